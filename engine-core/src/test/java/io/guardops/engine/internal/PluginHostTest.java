package io.guardops.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginHostTest {
  @TempDir
  Path dir;

  @Test
  void brokenZipsAreReportedAndDoNotStopTheHost() throws Exception {
    Files.write(dir.resolve("corrupt.zip"), new byte[] {1, 2, 3, 4, 5});
    try (OutputStream out = Files.newOutputStream(dir.resolve("no-descriptor.zip"));
         ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("classes/readme.txt"));
      zip.write("hello".getBytes());
      zip.closeEntry();
    }
    try (PluginHost host = PluginHost.start(dir)) {
      assertThat(host.hasFailures()).isTrue();
      assertThat(host.plugins()).extracting(PluginHost.PluginInfo::source)
          .contains("corrupt.zip", "no-descriptor.zip");
      assertThat(host.plugins()).allSatisfy(p -> {
        assertThat(p.state()).isEqualTo("FAILED");
        assertThat(p.error()).isNotBlank();
      });
    }
  }

  /**
   * Compiles {@code sources} (class name -> source) against the test class path and packs them as a
   * plugin zip ({@code plugin.properties} beside {@code classes/}), as the build packages plugins.
   */
  private Path pluginZip(String id, String pluginClass, java.util.Map<String, String> sources) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src-" + id));
    Path classes = Files.createDirectories(dir.resolve("classes-" + id));
    java.util.List<java.io.File> files = new java.util.ArrayList<>();
    for (var e : sources.entrySet()) {
      Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
      files.add(f.toFile());
    }
    javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
    try (var fm = javac.getStandardFileManager(null, null, null)) {
      boolean ok = javac.getTask(null, fm, null, java.util.List.of("-d", classes.toString(), "-classpath",
          System.getProperty("java.class.path"), "-proc:none"), null, fm.getJavaFileObjectsFromFiles(files)).call();
      assertThat(ok).as("plugin sources compile").isTrue();
    }
    Path zipFile = dir.resolve("plugins").resolve(id + "-1.0.0.zip");
    Files.createDirectories(zipFile.getParent());
    try (OutputStream out = Files.newOutputStream(zipFile); ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("plugin.properties"));
      zip.write(("plugin.id=" + id + "\nplugin.version=1.0.0\nplugin.provider=tests\n"
          + (pluginClass == null ? "" : "plugin.class=" + pluginClass + "\n")).getBytes());
      zip.closeEntry();
      try (var walk = Files.walk(classes)) {
        for (Path c : walk.filter(Files::isRegularFile).toList()) {
          zip.putNextEntry(new ZipEntry("classes/" + classes.relativize(c).toString().replace('\\', '/')));
          zip.write(Files.readAllBytes(c));
          zip.closeEntry();
        }
      }
    }
    return zipFile;
  }

  @Test
  void aPluginThatFailsToStartIsDisabledAndReportedWhileTheOthersWork() throws Exception {
    pluginZip("exploding", "demo.ExplodingPlugin", java.util.Map.of("demo.ExplodingPlugin", """
        package demo;
        public class ExplodingPlugin extends org.pf4j.Plugin {
          @Override public void start() { throw new IllegalStateException("cannot reach the license server"); }
        }"""));
    pluginZip("greeter", null, java.util.Map.of("demo.GreeterStore", """
        package demo;
        @org.pf4j.Extension
        public class GreeterStore implements io.guardops.api.RetentionPolicyProvider {
          public String name() { return "greeter"; }
          public io.guardops.api.RetentionPolicy create(io.guardops.api.ComponentConfig config,
              io.guardops.api.ComponentContext context) {
            return io.guardops.api.RetentionPolicy.retentionDays();
          }
        }"""));
    // the extension index the pf4j annotation processor would have written
    Path greeter = dir.resolve("plugins").resolve("greeter-1.0.0.zip");
    try (var fs = java.nio.file.FileSystems.newFileSystem(greeter)) {
      Path idx = fs.getPath("classes/META-INF/extensions.idx");
      Files.createDirectories(idx.getParent());
      Files.writeString(idx, "demo.GreeterStore\n");
    }
    try (PluginHost host = PluginHost.start(dir.resolve("plugins"))) {
      PluginHost.PluginInfo exploding = host.plugins().stream().filter(p -> "exploding".equals(p.id())).findFirst()
          .orElseThrow();
      assertThat(exploding.state()).isEqualTo("FAILED");
      assertThat(exploding.error()).contains("cannot reach the license server");
      assertThat(host.hasFailures()).isTrue();
      assertThat(host.plugins()).anySatisfy(p -> {
        assertThat(p.id()).isEqualTo("greeter");
        assertThat(p.state()).isEqualTo("STARTED");
      });
      assertThat(host.extensions(io.guardops.api.RetentionPolicyProvider.class))
          .extracting(io.guardops.api.RetentionPolicyProvider::name).containsExactly("greeter");
    }
  }

  @Test
  void aMissingDirectoryMeansNoPlugins() {
    try (PluginHost host = PluginHost.start(dir.resolve("absent"))) {
      assertThat(host.plugins()).isEmpty();
      assertThat(host.hasFailures()).isFalse();
    }
  }
}
