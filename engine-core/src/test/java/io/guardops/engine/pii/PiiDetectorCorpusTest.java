package io.guardops.engine.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Precision and recall of the detector per entity type on the labelled corpora, with every type (names
 * included) enabled: a finding counts as correct only with the right type and exactly the right span.
 * {@code corpus.txt} was written alongside the detector; {@code corpus-holdout.txt} after it was frozen
 * (a fairer estimate). The tables it logs are the ones in the README.
 */
class PiiDetectorCorpusTest {
  private static final Logger LOG = LoggerFactory.getLogger(PiiDetectorCorpusTest.class);

  /** Per type: found (true positives), false positives, missed, positive cases, negative cases. */
  record Counts(int found, int falsePositives, int missed, int positiveCases, int negativeCases) {
    double precision() {
      return found + falsePositives == 0 ? 1 : (double) found / (found + falsePositives);
    }

    double recall() {
      return found + missed == 0 ? 1 : (double) found / (found + missed);
    }
  }

  @Test
  void theCorpusMeetsTheMinimumsPerType() throws Exception {
    List<PiiCorpus.Case> cases = PiiCorpus.load("corpus.txt");
    long positives = cases.stream().filter(PiiCorpus.Case::positive).count();
    assertThat(positives).as("positive cases").isGreaterThanOrEqualTo(200);
    assertThat(cases.size() - positives).as("negative cases").isGreaterThanOrEqualTo(200);
    check("corpus.txt", cases, t -> t == PiiType.PERSON ? 0.85 : 0.95, t -> t == PiiType.PERSON ? 0.80 : 0.95, 5);
  }

  @Test
  void theHeldOutCasesMeetLowerMinimums() throws Exception {
    List<PiiCorpus.Case> cases = PiiCorpus.load("corpus-holdout.txt");
    assertThat(cases).hasSizeGreaterThanOrEqualTo(80);
    check("corpus-holdout.txt", cases, t -> t == PiiType.PERSON ? 0.70 : 0.85, t -> t == PiiType.PERSON ? 0.70 : 0.85,
        0);
  }

  private static void check(String name, List<PiiCorpus.Case> cases, ToDoubleFunction<PiiType> minPrecision,
      ToDoubleFunction<PiiType> minRecall, int minCasesPerType) {
    List<String> mismatches = new ArrayList<>();
    Map<PiiType, Counts> counts = evaluate(cases, mismatches);
    StringBuilder table = new StringBuilder("\n| type | positive cases | negative cases | found | false positives | missed"
        + " | precision | recall |\n|---|---|---|---|---|---|---|---|\n");
    List<String> failures = new ArrayList<>();
    counts.forEach((t, k) -> {
      table.append(String.format("| %s | %d | %d | %d | %d | %d | %.3f | %.3f |%n", t, k.positiveCases(),
          k.negativeCases(), k.found(), k.falsePositives(), k.missed(), k.precision(), k.recall()));
      if (k.positiveCases() < minCasesPerType || k.negativeCases() < minCasesPerType) {
        failures.add(t + " has too few cases: " + k.positiveCases() + " positive, " + k.negativeCases() + " negative");
      }
      if (k.precision() < minPrecision.applyAsDouble(t) || k.recall() < minRecall.applyAsDouble(t)) {
        failures.add(String.format("%s: precision %.3f (min %.2f), recall %.3f (min %.2f)", t, k.precision(),
            minPrecision.applyAsDouble(t), k.recall(), minRecall.applyAsDouble(t)));
      }
    });
    LOG.info("PII detection on {} ({} cases):{}{}", name, cases.size(), table,
        mismatches.isEmpty() ? "" : "mismatches:\n  " + String.join("\n  ", mismatches));
    assertThat(failures).as("%s: per-type minimums; mismatches:%n%s", name, String.join("\n", mismatches)).isEmpty();
  }

  static Map<PiiType, Counts> evaluate(List<PiiCorpus.Case> cases, List<String> mismatches) {
    Map<PiiType, int[]> k = new EnumMap<>(PiiType.class);
    for (PiiType t : PiiType.values()) {
      k.put(t, new int[5]);
    }
    for (PiiCorpus.Case c : cases) {
      List<PiiEntity> found = PiiDetector.standard().detect(c.text(), EnumSet.allOf(PiiType.class));
      List<PiiCorpus.Expected> expected = new ArrayList<>(c.expected());
      for (PiiEntity e : found) {
        if (expected.remove(new PiiCorpus.Expected(e.type(), e.start(), e.end()))) {
          k.get(e.type())[0]++;
        } else {
          k.get(e.type())[1]++;
          mismatches.add("line " + c.line() + ": unexpected " + e.type() + " '" + e.in(c.text()) + "'");
        }
      }
      for (PiiCorpus.Expected e : expected) {
        k.get(e.type())[2]++;
        mismatches.add("line " + c.line() + ": missed " + e.type() + " '" + c.text().substring(e.start(), e.end()) + "'");
      }
      if (c.positive()) {
        c.expected().stream().map(PiiCorpus.Expected::type).distinct().forEach(t -> k.get(t)[3]++);
      } else {
        k.get(c.near())[4]++;
      }
    }
    Map<PiiType, Counts> out = new EnumMap<>(PiiType.class);
    k.forEach((t, v) -> out.put(t, new Counts(v[0], v[1], v[2], v[3], v[4])));
    return out;
  }
}
