package io.guardops.examples.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * This example pins GuardOps with the BOM alone, so the BOM must list every module the repository
 * builds (plugins as jar and zip), at the project's version: a module added later without a BOM entry
 * fails here.
 */
class BomListsEveryModuleTest {
  static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  static final Pattern ARTIFACT = Pattern.compile("<artifactId>([^<]+)</artifactId>");

  static List<String> modules(Path pom) throws Exception {
    List<String> out = new ArrayList<>();
    Matcher m = MODULE.matcher(Files.readString(pom));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The module's own artifactId: the first one after its parent element. */
  static String artifactId(Path dir) throws Exception {
    String pom = Files.readString(dir.resolve("pom.xml"));
    String afterParent = pom.contains("</parent>") ? pom.substring(pom.indexOf("</parent>")) : pom;
    Matcher m = ARTIFACT.matcher(afterParent);
    assertTrue(m.find(), dir + " has an artifactId");
    return m.group(1);
  }

  @Test
  void everyModuleIsInTheBom() throws Exception {
    String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
    TreeSet<String> missing = new TreeSet<>();
    for (String module : modules(ROOT.resolve("pom.xml"))) {
      if (List.of("plugins", "distribution", "bom").contains(module) || module.startsWith("examples/")) {
        continue; // aggregators, the standalone install and examples are not dependencies
      }
      String id = artifactId(ROOT.resolve(module));
      if (!bom.contains("<artifactId>" + id + "</artifactId><version>${project.version}</version></dependency>")) {
        missing.add(id);
      }
    }
    for (String plugin : modules(ROOT.resolve("plugins/pom.xml"))) {
      String id = artifactId(ROOT.resolve("plugins").resolve(plugin));
      if (!bom.contains("<artifactId>" + id + "</artifactId><version>${project.version}</version></dependency>")) {
        missing.add(id);
      }
      if (!bom.contains("<artifactId>" + id + "</artifactId><version>${project.version}</version><type>zip</type>")) {
        missing.add(id + " (zip)");
      }
    }
    assertEquals(new TreeSet<>(), missing, "modules missing from bom/pom.xml");
  }
}
