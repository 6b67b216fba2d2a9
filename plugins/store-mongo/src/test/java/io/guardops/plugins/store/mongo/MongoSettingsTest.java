package io.guardops.plugins.store.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.WriteConcern;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings: defaults, the URI's own options, explicit settings, and messages that name the key. */
class MongoSettingsTest {
  private static MongoSettings settings(Map<String, String> values) {
    return MongoSettings.from(TestMongo.config(values));
  }

  @Test
  void defaultsAreFastToFailAndSafeToAcknowledge() {
    MongoSettings s = settings(Map.of("uri", "mongodb://db1:27017,db2:27017/?replicaSet=rs0"));
    assertThat(s.database()).isEqualTo("guardops");
    assertThat(s.serverSelectionTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.socketTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.healthTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.writeConcern()).isEqualTo(WriteConcern.MAJORITY);
    assertThat(s.clientSettings().getClusterSettings().getRequiredReplicaSetName()).isEqualTo("rs0");
    assertThat(s.clientSettings().getSocketSettings().getConnectTimeout(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(3000);
  }

  @Test
  void theUrisOptionsAndDatabaseApplyUnlessASettingSaysOtherwise() {
    String uri = "mongodb+srv://user:s3cret@cluster0.example.net/Prod?serverSelectionTimeoutMS=1500&w=2&maxPoolSize=7";
    MongoSettings fromUri = settings(Map.of("uri", uri));
    assertThat(fromUri.database()).isEqualTo("Prod");
    assertThat(fromUri.serverSelectionTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(fromUri.writeConcern()).isEqualTo(new WriteConcern(2));
    assertThat(fromUri.maxPoolSize()).isEqualTo(7);
    assertThat(fromUri.clientSettings().getCredential().getUserName()).isEqualTo("user");
    // where it points, never the password
    assertThat(fromUri.describe()).isEqualTo("mongodb+srv://cluster0.example.net/Prod").doesNotContain("s3cret");

    MongoSettings explicit = settings(Map.of("uri", uri, "database", "guardops_prod", "server-selection-timeout", "3s",
        "write-concern", "majority", "max-pool-size", "20"));
    assertThat(explicit.database()).isEqualTo("guardops_prod");
    assertThat(explicit.serverSelectionTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(explicit.writeConcern()).isEqualTo(WriteConcern.MAJORITY);
    assertThat(explicit.maxPoolSize()).isEqualTo(20);
  }

  @Test
  void badSettingsSayWhichKeyAndWhy() {
    assertThatThrownBy(() -> settings(Map.of())).hasMessageContaining("guardops.store.mongo.uri")
        .hasMessageContaining("MONGO_URI");
    assertThatThrownBy(() -> settings(Map.of("uri", "http://user:hunter2@host"))).hasMessageContaining("guardops.store.mongo.uri")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> settings(Map.of("uri", "mongodb://h", "write-concern", "0")))
        .hasMessageContaining("guardops.store.mongo.write-concern");
    assertThatThrownBy(() -> settings(Map.of("uri", "mongodb://h", "database", "a.b")))
        .hasMessageContaining("guardops.store.mongo.database");
    assertThatThrownBy(() -> settings(Map.of("uri", "mongodb://h", "health-timeout", "0s")))
        .hasMessageContaining("guardops.store.mongo.health-timeout");
    assertThatThrownBy(() -> settings(Map.of("uri", "mongodb://h", "max-pool-size", "0")))
        .hasMessageContaining("guardops.store.mongo.max-pool-size");
    assertThatThrownBy(() -> settings(Map.of("uri", "mongodb://h", "purge-chunk-traces", "0")))
        .hasMessageContaining("guardops.store.mongo.purge-chunk-traces");
  }
}
