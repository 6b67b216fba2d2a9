package io.guardops.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Static files the host serves from its class path (Swagger UI at {@code /docs}, the web console at
 * {@code /}): WebJar versions and resource bytes. Nothing is fetched at run time.
 */
final class ClassPathFiles {
  private ClassPathFiles() {}

  /**
   * The version of the WebJar {@code groupId:artifactId} on the class path, from its
   * {@code pom.properties}.
   *
   * @throws IllegalStateException when the WebJar is missing (a broken build or class path)
   */
  static String webJarVersion(String groupId, String artifactId) {
    try (InputStream in = ClassPathFiles.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the WebJar " + groupId + ":" + artifactId + " is not on the class path");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The bytes of a class path resource.
   *
   * @throws IllegalStateException when it is missing
   */
  static byte[] read(String resource) {
    try (InputStream in = ClassPathFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
