package io.guardops.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class GzipTest {
  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(data);
    }
    return bos.toByteArray();
  }

  @Test
  void inflatesWithinTheLimit() throws IOException {
    byte[] body = "{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8);
    assertThat(Gzip.gunzip(new ByteArrayInputStream(gzip(body)), body.length)).isEqualTo(body);
  }

  @Test
  void stopsAZipBombAtTheLimit() throws IOException {
    byte[] zeros = new byte[10_000_000];
    byte[] bomb = gzip(zeros);
    assertThat(bomb.length).isLessThan(20_000);
    assertThatThrownBy(() -> Gzip.gunzip(new ByteArrayInputStream(bomb), 1_000_000))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("1000000");
  }

  @Test
  void badGzipIsMalformed() throws IOException {
    assertThatThrownBy(() -> Gzip.gunzip(new ByteArrayInputStream("not gzip".getBytes()), 100))
        .isInstanceOf(MalformedPayloadException.class)
        .isNotInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("gzip");
    byte[] good = gzip(new byte[1000]);
    byte[] truncated = Arrays.copyOf(good, good.length - 6);
    assertThatThrownBy(() -> Gzip.gunzip(new ByteArrayInputStream(truncated), 10_000))
        .isInstanceOf(MalformedPayloadException.class);
  }
}
