package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.Grant;
import io.guardops.api.ShareCode;
import io.guardops.api.SharedKind;
import io.guardops.api.store.SharingStore.Redemption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link io.guardops.api.store.SharingStore}: share codes and grants. */
public abstract class SharingStoreContract extends StoreContractSupport {
  protected static ShareCode code(String id, int n, SharedKind kind, String resource, String owner) {
    return ShareCode.issued(id, hash(n), "sc-..." + n, kind, resource, owner, NOW, NOW.plus(Duration.ofDays(7)));
  }

  protected static Grant grant(SharedKind kind, String resource, String user, String owner) {
    return new Grant(kind, resource, user, owner, "code-" + user, NOW);
  }

  @Test
  void codesAreFoundByHashAndListedPerResource() {
    ShareCode a = code("c1", 1, SharedKind.PROJECT, "p1", "owner");
    ShareCode b = code("c2", 2, SharedKind.PROJECT, "p1", "owner");
    ShareCode other = code("c3", 3, SharedKind.DATASET, "p1", "owner");
    store.sharing().createCode(b);
    store.sharing().createCode(a);
    store.sharing().createCode(other);
    assertThat(store.sharing().findCode(hash(1))).contains(a);
    assertThat(store.sharing().findCode(hash(9))).isEmpty();
    assertThat(store.sharing().listCodes(SharedKind.PROJECT, "p1")).containsExactly(a, b);
    assertThat(store.sharing().listCodes(SharedKind.DATASET, "p1")).containsExactly(other);
    assertThat(store.sharing().listCodes(SharedKind.PROJECT, "p2")).isEmpty();
  }

  @Test
  void duplicateCodeIdOrHashIsRejected() {
    store.sharing().createCode(code("c1", 1, SharedKind.PROJECT, "p1", "owner"));
    assertThatThrownBy(() -> store.sharing().createCode(code("c1", 2, SharedKind.PROJECT, "p1", "owner")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.sharing().createCode(code("c2", 1, SharedKind.PROJECT, "p1", "owner")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCodeIsRedeemedOnce() {
    store.sharing().createCode(code("c1", 1, SharedKind.PROJECT, "p1", "owner"));
    assertThat(store.sharing().redeem(hash(1), "bob", NOW.plusSeconds(10))).isEqualTo(Redemption.REDEEMED);
    assertThat(store.sharing().redeem(hash(1), "bob", NOW.plusSeconds(11))).isEqualTo(Redemption.ALREADY_REDEEMED_BY_YOU);
    assertThat(store.sharing().redeem(hash(1), "eve", NOW.plusSeconds(12))).isEqualTo(Redemption.USED);
    ShareCode used = store.sharing().findCode(hash(1)).orElseThrow();
    assertThat(used.usedBy()).isEqualTo("bob");
    assertThat(used.usedAt()).isEqualTo(NOW.plusSeconds(10));
    assertThat(used.redeemableAt(NOW.plusSeconds(13))).isFalse();
  }

  @Test
  void expiredRevokedAndUnknownCodesAreNotRedeemed() {
    store.sharing().createCode(code("c1", 1, SharedKind.PROJECT, "p1", "owner"));
    store.sharing().createCode(code("c2", 2, SharedKind.PROJECT, "p1", "owner"));
    assertThat(store.sharing().redeem(hash(1), "bob", NOW.plus(Duration.ofDays(7)))).isEqualTo(Redemption.EXPIRED);
    assertThat(store.sharing().revokeCode(SharedKind.PROJECT, "p1", "c2", NOW)).isTrue();
    assertThat(store.sharing().revokeCode(SharedKind.PROJECT, "p1", "c2", NOW)).isFalse();
    assertThat(store.sharing().redeem(hash(2), "bob", NOW.plusSeconds(1))).isEqualTo(Redemption.REVOKED);
    assertThat(store.sharing().redeem(hash(7), "bob", NOW)).isEqualTo(Redemption.UNKNOWN);
    assertThat(store.sharing().findCode(hash(1)).orElseThrow().usedBy()).isNull();
    assertThat(store.sharing().findCode(hash(2)).orElseThrow().revokedAt()).isEqualTo(NOW);
  }

  @Test
  void revokeNeedsTheRightResourceAndAnUnusedCode() {
    store.sharing().createCode(code("c1", 1, SharedKind.PROJECT, "p1", "owner"));
    assertThat(store.sharing().revokeCode(SharedKind.PROJECT, "p2", "c1", NOW)).isFalse();
    assertThat(store.sharing().revokeCode(SharedKind.DATASET, "p1", "c1", NOW)).isFalse();
    store.sharing().redeem(hash(1), "bob", NOW);
    assertThat(store.sharing().revokeCode(SharedKind.PROJECT, "p1", "c1", NOW)).isFalse();
  }

  @Test
  void concurrentRedeemersExactlyOneWins() throws Exception {
    store.sharing().createCode(code("c1", 1, SharedKind.PROJECT, "p1", "owner"));
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Redemption>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String user = "user-" + i;
        results.add(pool.submit(() -> {
          go.await();
          return store.sharing().redeem(hash(1), user, NOW.plusSeconds(1));
        }));
      }
      go.countDown();
      int wins = 0;
      for (Future<Redemption> f : results) {
        Redemption r = f.get(30, TimeUnit.SECONDS);
        assertThat(r).isIn(Redemption.REDEEMED, Redemption.USED);
        wins += r == Redemption.REDEEMED ? 1 : 0;
      }
      assertThat(wins).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void grantsAreIdempotentAndListedBothWays() {
    Grant bob = grant(SharedKind.PROJECT, "p1", "bob", "owner");
    assertThat(store.sharing().addGrant(bob)).isTrue();
    assertThat(store.sharing().addGrant(new Grant(SharedKind.PROJECT, "p1", "bob", "owner", "other", NOW.plusSeconds(5))))
        .isFalse();
    Grant amy = new Grant(SharedKind.PROJECT, "p1", "amy", "owner", "code-amy", NOW.plusSeconds(1));
    store.sharing().addGrant(amy);
    Grant bobP2 = new Grant(SharedKind.PROJECT, "p2", "bob", "owner", "code-x", NOW.minusSeconds(1));
    store.sharing().addGrant(bobP2);
    Grant bobDataset = grant(SharedKind.DATASET, "d1", "bob", "owner");
    store.sharing().addGrant(bobDataset);
    assertThat(store.sharing().findGrant(SharedKind.PROJECT, "p1", "bob")).contains(bob);
    assertThat(store.sharing().findGrant(SharedKind.DATASET, "p1", "bob")).isEmpty();
    assertThat(store.sharing().listGrants(SharedKind.PROJECT, "p1")).containsExactly(bob, amy);
    assertThat(store.sharing().listGrantsTo("bob", SharedKind.PROJECT)).containsExactly(bobP2, bob);
    assertThat(store.sharing().listGrantsTo("bob", SharedKind.DATASET)).containsExactly(bobDataset);
    assertThat(store.sharing().listGrantsTo("nobody", SharedKind.PROJECT)).isEmpty();
  }

  @Test
  void grantsAreRemovedOneOrAllAtOnce() {
    store.sharing().addGrant(grant(SharedKind.PROJECT, "p1", "bob", "owner"));
    store.sharing().addGrant(grant(SharedKind.PROJECT, "p1", "amy", "owner"));
    store.sharing().addGrant(grant(SharedKind.PROJECT, "p2", "bob", "owner"));
    store.sharing().createCode(code("c1", 1, SharedKind.PROJECT, "p1", "owner"));
    store.sharing().createCode(code("c2", 2, SharedKind.PROJECT, "p2", "owner"));
    assertThat(store.sharing().removeGrant(SharedKind.PROJECT, "p1", "bob")).isTrue();
    assertThat(store.sharing().removeGrant(SharedKind.PROJECT, "p1", "bob")).isFalse();
    assertThat(store.sharing().findGrant(SharedKind.PROJECT, "p1", "bob")).isEmpty();
    store.sharing().removeAll(SharedKind.PROJECT, "p1");
    assertThat(store.sharing().listGrants(SharedKind.PROJECT, "p1")).isEmpty();
    assertThat(store.sharing().listCodes(SharedKind.PROJECT, "p1")).isEmpty();
    assertThat(store.sharing().findCode(hash(1))).isEmpty();
    assertThat(store.sharing().listGrants(SharedKind.PROJECT, "p2")).hasSize(1);
    assertThat(store.sharing().findCode(hash(2))).isPresent();
  }
}
