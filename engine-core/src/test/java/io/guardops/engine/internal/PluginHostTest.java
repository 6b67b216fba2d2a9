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

  @Test
  void aMissingDirectoryMeansNoPlugins() {
    try (PluginHost host = PluginHost.start(dir.resolve("absent"))) {
      assertThat(host.plugins()).isEmpty();
      assertThat(host.hasFailures()).isFalse();
    }
  }
}
