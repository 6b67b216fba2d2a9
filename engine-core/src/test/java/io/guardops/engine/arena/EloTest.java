package io.guardops.engine.arena;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Elo updates against values computed by hand (K = 32, scale 400). */
class EloTest {
  @Test
  void equalRatingsExpectHalfAndMoveByHalfOfK() {
    assertThat(Elo.expected(1000, 1000)).isEqualTo(0.5);
    assertThat(Elo.update(1000, 1000, 1, 32)).containsExactly(1016, 984);
    assertThat(Elo.update(1000, 1000, 0, 32)).containsExactly(984, 1016);
    assertThat(Elo.update(1000, 1000, 0.5, 32)).containsExactly(1000, 1000);
  }

  @Test
  void theUnderdogGainsMoreForAWin() {
    // E(984 vs 1016) = 1 / (1 + 10^(32/400)) = 1 / (1 + 1.2022644) = 1 / 2.2022644 = 0.4540781
    assertThat(Elo.expected(984, 1016)).isCloseTo(0.4540781, within(1e-7));
    // 32 * (1 - 0.4540781) = 32 * 0.5459219 = 17.4695
    double[] r = Elo.update(984, 1016, 1, 32);
    assertThat(r[0]).isCloseTo(1001.4695, within(1e-4));
    assertThat(r[1]).isCloseTo(998.5305, within(1e-4));
  }

  @Test
  void aTieMovesTheHigherRatedDown() {
    // 1200 vs 1000: E = 1 / (1 + 10^(-0.5)) = 1 / 1.3162278 = 0.7597469; tie: 32 * (0.5 - 0.7597469) = -8.3119
    double[] r = Elo.update(1200, 1000, 0.5, 32);
    assertThat(r[0]).isCloseTo(1191.6881, within(1e-4));
    assertThat(r[1]).isCloseTo(1008.3119, within(1e-4));
    // 400 points apart: E = 1 / (1 + 10^-1) = 10/11; a loss costs 32 * 10/11 = 29.0909
    assertThat(Elo.update(1400, 1000, 0, 32)[0]).isCloseTo(1370.9091, within(1e-4));
  }

  @Test
  void theKFactorScalesTheMove() {
    assertThat(Elo.update(1000, 1000, 1, 16)).containsExactly(1008, 992);
  }

  @Test
  void bootstrapIntervalsAreSeededOrderedAndSeparateAClearWinner() {
    List<Elo.Outcome> matches = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      matches.add(new Elo.Outcome("strong", "weak", i % 6 == 0 ? 0 : 1)); // strong wins 5 of 6
    }
    Map<String, double[]> ci = Elo.intervals(matches, 200, 32, 7);
    assertThat(ci.get("strong")[0]).isLessThanOrEqualTo(ci.get("strong")[1]);
    assertThat(ci.get("strong")[0]).as("the winner's interval is above the loser's").isGreaterThan(ci.get("weak")[1]);
    assertThat(ci.get("strong")[0] + ci.get("weak")[1]).isGreaterThan(1900);
    assertThat(Elo.intervals(matches, 200, 32, 7).get("strong")).containsExactly(ci.get("strong"));
    assertThat(Elo.intervals(List.of(), 200, 32, 7)).isEmpty();
  }

  @Test
  void percentilesInterpolateBetweenRanks() {
    assertThat(Elo.percentile(new double[] {1, 2, 3, 4, 5}, 0.5)).isEqualTo(3);
    assertThat(Elo.percentile(new double[] {1, 2, 3, 4, 5}, 0.025)).isCloseTo(1.1, within(1e-12));
    assertThat(Elo.percentile(new double[] {7}, 0.975)).isEqualTo(7);
  }
}
