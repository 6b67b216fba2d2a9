package io.guardops.plugins.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Evaluator;
import io.guardops.tck.EvaluatorContract;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The text metrics against published reference values. Sources:
 *
 * <ul>
 *   <li>[RS] google-research/google-research, {@code rouge/rouge_scorer_test.py} (rouge_score's own tests;
 *       its ROUGE-1.5.5 comparisons use {@code rouge/testdata/target.txt} and {@code prediction.txt}, whose
 *       first two lines are copied below);</li>
 *   <li>[SB] mjpost/sacrebleu, {@code test/test_sentence_bleu.py} and {@code test/test_bleu.py};</li>
 *   <li>[REF] values computed for this test by running the reference implementations' own functions
 *       (rouge_score's {@code tokenize}/{@code _score_ngrams}/{@code _score_lcs}; sacrebleu's
 *       {@code Tokenizer13a}/{@code BLEU.compute_bleu} at commit f615c72, whose copy reproduces [SB]'s
 *       8.493 below; the SQuAD v1.1 evaluation script's {@code normalize_answer}/{@code f1_score}) with
 *       Python 3.11 on the inputs below.</li>
 * </ul>
 */
class ReferenceValuesTest {
  private static final double EPS = 1e-9;

  private static EvalScore score(Evaluator e, String output, String expected, Map<String, String> params) {
    Map<String, String> p = new HashMap<>(params);
    e.validate(p);
    return e.evaluate(EvalItem.of("", output, expected), p, EvaluatorContract.withoutModel());
  }

  private static double detail(EvalScore s, String key) {
    return ((Number) s.details().get(key)).doubleValue();
  }

  // ---- ROUGE

  @ParameterizedTest(name = "[RS] {0}: target ''{1}'', prediction ''{2}''")
  @CsvSource(delimiter = '|', value = {
      "rouge_1|testing one two|testing|1|0.3333333333333333|0.5",
      "rouge_2|testing one two|testing one|1|0.5|0.6666666666666666",
      "rouge_l|testing one two|testing one|1|0.6666666666666666|0.8",
      "rouge_l|testing one two|testing two|1|0.6666666666666666|0.8",
      "rouge_1|testing one two|testing one|1|0.6666666666666666|0.8",
      "rouge_1|testing one two|''|0|0|0",
      "rouge_2|testing one two|''|0|0|0",
      "rouge_l|testing one two|''|0|0|0"})
  void rougeScorerTestValues(String metric, String target, String prediction, double p, double r, double f) {
    EvalScore s = score(evaluator(metric), prediction, target, Map.of());
    assertThat(s.value()).isCloseTo(f, within(EPS));
    assertThat(detail(s, "precision")).isCloseTo(p, within(EPS));
    assertThat(detail(s, "recall")).isCloseTo(r, within(EPS));
    assertThat(detail(s, "fmeasure")).isCloseTo(f, within(EPS));
  }

  /** [RS] rouge/testdata/target.txt and prediction.txt, lines 1 and 2 (random strings scored by ROUGE-1.5.5). */
  private static final String[] TARGETS = {
      "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr "
          + "q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n",
      "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer "
          + "HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion "
          + "gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n"};
  private static final String[] PREDICTIONS = {
      "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n",
      "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed "
          + "nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n"};

  @ParameterizedTest(name = "[RS] {0} line {1} stemmer={2} against ROUGE-1.5.5")
  @CsvSource({
      "rouge_1,0,false,0.40741,0.68750,0.51163",
      "rouge_1,1,false,0.40476,0.65385,0.50000",
      "rouge_1,0,true,0.40741,0.68750,0.51163",
      "rouge_1,1,true,0.42857,0.69231,0.52941",
      "rouge_2,0,false,0.30769,0.53333,0.39024",
      "rouge_2,1,false,0.29268,0.48000,0.36364",
      "rouge_2,0,true,0.30769,0.53333,0.39024",
      "rouge_2,1,true,0.29268,0.48000,0.36364",
      "rouge_l,0,false,0.40741,0.68750,0.51163",
      "rouge_l,1,false,0.40476,0.65385,0.50000"})
  void rougeAgainstRouge155(String metric, int line, boolean stem, double recall, double precision, double f) {
    EvalScore s = score(evaluator(metric), PREDICTIONS[line], TARGETS[line], Map.of("stemmer", Boolean.toString(stem)));
    // the test file compares to 5 places
    assertThat(detail(s, "recall")).isCloseTo(recall, within(5e-6));
    assertThat(detail(s, "precision")).isCloseTo(precision, within(5e-6));
    assertThat(s.value()).isCloseTo(f, within(5e-6));
  }

  @ParameterizedTest(name = "[REF] {0}: ''{1}'' vs ''{2}''")
  @CsvSource(delimiter = '|', value = {
      "rouge_1|The quick brown fox jumps over the lazy dog|The quick brown dog jumps on the log.|0.75|0.6666666667|0.7058823529",
      "rouge_2|The quick brown fox jumps over the lazy dog|The quick brown dog jumps on the log.|0.2857142857|0.25|0.2666666667",
      "rouge_l|The quick brown fox jumps over the lazy dog|The quick brown dog jumps on the log.|0.625|0.5555555556|0.5882352941",
      "rouge_1|the cat was found under the bed|the cat was under the bed|1|0.8571428571|0.9230769231",
      "rouge_2|the cat was found under the bed|the cat was under the bed|0.8|0.6666666667|0.7272727273",
      "rouge_l|police killed the gunman|the gunman police killed|0.5|0.5|0.5",
      "rouge_2|police killed the gunman|the gunman police killed|0.6666666667|0.6666666667|0.6666666667",
      "rouge_1|Résumé: naïve café, 2024-05-01!|resume naive cafe 2024 05 01|0.5|0.375|0.4285714286",
      "rouge_1|a a a b|a b b a a|0.8|1|0.8888888889",
      "rouge_2|a a a b|a b b a a|0.5|0.6666666667|0.5714285714",
      "rouge_l|a a a b|a b b a a|0.6|0.75|0.6666666667",
      "rouge_l|''|anything|0|0|0"})
  void rougeComputedWithRougeScore(String metric, String target, String prediction, double p, double r, double f) {
    EvalScore s = score(evaluator(metric), prediction, target, Map.of());
    assertThat(detail(s, "precision")).isCloseTo(p, within(1e-9));
    assertThat(detail(s, "recall")).isCloseTo(r, within(1e-9));
    assertThat(s.value()).isCloseTo(f, within(1e-9));
  }

  @Test
  void rougeMeasureSelectsTheValue() {
    Evaluator rouge = evaluator("rouge_l");
    String t = "The quick brown fox jumps over the lazy dog";
    String p = "The quick brown dog jumps on the log.";
    assertThat(score(rouge, p, t, Map.of("measure", "precision")).value()).isCloseTo(0.625, within(EPS));
    assertThat(score(rouge, p, t, Map.of("measure", "recall")).value()).isCloseTo(0.5555555556, within(1e-9));
  }

  @Test
  void rougeTokenisationFollowsRougeScore() {
    assertThat(Rouge.tokenize("Hello, World! It's 2024-05-01 — naïve_ok", false))
        .containsExactly("hello", "world", "it", "s", "2024", "05", "01", "na", "ve", "ok");
  }

  // ---- Porter stemmer

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      // examples from M. F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980, steps 1 to 5
      "caresses,caress", "ponies,poni", "ties,ti", "caress,caress", "cats,cat", "feed,feed", "agreed,agre",
      "plastered,plaster", "bled,bled", "motoring,motor", "sing,sing", "conflated,conflat", "troubled,troubl",
      "sized,size", "hopping,hop", "tanned,tan", "falling,fall", "hissing,hiss", "fizzed,fizz", "failing,fail",
      "filing,file", "happy,happi", "sky,sky", "relational,relat", "conditional,condit", "rational,ration",
      "valenci,valenc", "hesitanci,hesit", "digitizer,digit", "radicalli,radic", "differentli,differ",
      "vileli,vile", "analogousli,analog", "vietnamization,vietnam", "predication,predic", "operator,oper",
      "feudalism,feudal", "decisiveness,decis", "hopefulness,hope", "callousness,callous", "formaliti,formal",
      "sensitiviti,sensit", "sensibiliti,sensibl", "triplicate,triplic", "formative,form", "formalize,formal",
      "electriciti,electr", "electrical,electr", "hopeful,hope", "goodness,good", "revival,reviv",
      "allowance,allow", "inference,infer", "airliner,airlin", "gyroscopic,gyroscop", "adjustable,adjust",
      "defensible,defens", "irritant,irrit", "replacement,replac", "adjustment,adjust", "dependent,depend",
      "adoption,adopt", "homologou,homolog", "communism,commun", "activate,activ", "angulariti,angular",
      "homologous,homolog", "effective,effect", "bowdlerize,bowdler", "probate,probat", "rate,rate",
      "cease,ceas", "controll,control", "roll,roll", "generalizations,gener", "oscillators,oscil"})
  void porterStemsThePapersExamples(String word, String stem) {
    assertThat(PorterStemmer.stem(word)).isEqualTo(stem);
  }

  // ---- BLEU

  @Test
  void bleuMatchesSacrebleusSentenceBleuTest() {
    // [SB] test/test_sentence_bleu.py: smooth exp, tokenize 13a, not lowercased -> 8.493 (EPSILON 1e-3)
    String ref = "producţia de zahăr brut se exprimă în zahăr alb;";
    String sys = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
    EvalScore s = score(evaluator("bleu"), sys, ref, Map.of());
    assertThat(detail(s, "bleu")).isCloseTo(8.493, within(1e-3));
    assertThat(s.value()).isCloseTo(0.08493, within(1e-5));
    // [SB] #141 example: no matching n-gram at all gives 0
    assertThat(score(evaluator("bleu"), "this is a cat", "okay thanks", Map.of()).value()).isEqualTo(0.0);
  }

  @Test
  void bleuFromStatisticsMatchesSacrebleusScoringTest() {
    // [SB] test/test_bleu.py test_case_scoring: counts [9,7,5,3] of [10,8,6,4], sys_len = ref_len = 11
    Bleu.Result r = Bleu.computeBleu(new int[] {9, 7, 5, 3}, new int[] {10, 8, 6, 4}, 11, 11);
    assertThat(r.score() / 100).isCloseTo(0.8375922397, within(1e-8));
  }

  @ParameterizedTest(name = "[REF] ''{0}'' vs ''{1}''")
  @CsvSource(delimiter = '|', value = {
      "The cat sat on the mat.|The cat is on the mat.|48.8923022435|1.0|7|7",
      "It wasn't surprising.|It was not unexpected.|14.7940156748|0.7788007831|4|5",
      "The man had just bitten him.|The man bit him first.|15.6196996846|1.0|7|6",
      "The dog bit the man.|The dog bit the man.|100|1.0|6|6",
      "''|The cat is on the mat.|0|0|0|7",
      "Prices rose 3.5% to $1,200.50 in Q4-2023 (est.)|Prices rose by 3.5% to $1,200.50 in Q4-2023 (estimated).|65.4319821850|0.9355069850|15|16",
      "producţia de zahăr brut se exprimă în zahăr alb;|Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;|8.4120544738|0.6703200460|10|14",
      "the the the the the the the|the cat is on the mat|7.8098498423|1.0|7|6",
      "a b c d e f g h i j k|a b c d e f g h i j k l m n o p|63.4736418940|0.6347364189|11|16"})
  void bleuComputedWithSacrebleu(String hyp, String ref, double bleu, double bp, long hypLen, long refLen) {
    EvalScore s = score(evaluator("bleu"), hyp, ref, Map.of());
    assertThat(detail(s, "bleu")).isCloseTo(bleu, within(1e-8));
    assertThat(detail(s, "brevity_penalty")).isCloseTo(bp, within(1e-9));
    assertThat(s.details().get("hyp_len")).isEqualTo(hypLen);
    assertThat(s.details().get("ref_len")).isEqualTo(refLen);
  }

  @Test
  void bleuPrecisionsAndLowercasing() {
    EvalScore s = score(evaluator("bleu"), "It wasn't surprising.", "It was not unexpected.", Map.of());
    // [REF] precisions 50 / 16.666667 / 12.5 / 12.5 (the last two smoothed: 100 / (2^k * total))
    assertThat(s.details().get("precisions")).asList().map(o -> ((Number) o).doubleValue())
        .containsExactly(50.0, 100.0 / 6, 12.5, 12.5);
    assertThat(detail(score(evaluator("bleu"), "THE CAT is on the MAT", "the cat is on the mat", Map.of()), "bleu"))
        .isCloseTo(30.2137539736, within(1e-8));
    assertThat(detail(score(evaluator("bleu"), "THE CAT is on the MAT", "the cat is on the mat",
        Map.of("lowercase", "true")), "bleu")).isCloseTo(100, within(1e-9));
  }

  @Test
  void tokenizer13aSplitsLikeSacrebleu() {
    // [REF] sacrebleu Tokenizer13a outputs
    assertThat(Bleu.tokenize13a("Prices rose 3.5% to $1,200.50 in Q4-2023 (est.)"))
        .isEqualTo("Prices rose 3.5 % to $ 1,200.50 in Q4 - 2023 ( est . )");
    assertThat(Bleu.tokenize13a("It wasn't surprising.")).isEqualTo("It wasn't surprising .");
    assertThat(Bleu.tokenize13a("a &amp; b &lt;c&gt; <skipped> end-\nline")).isEqualTo("a & b < c > endline");
  }

  // ---- SQuAD token F1 and exact match

  @ParameterizedTest(name = "[REF] ''{0}'' vs ''{1}''")
  @CsvSource(delimiter = '|', value = {
      "The Denver Broncos|Denver Broncos|true|1|1|1",
      "Denver Broncos won the game|Denver Broncos|false|0.5|1|0.6666666667",
      "a cat, an apple and the dog!|cat apple dog|false|0.75|1|0.8571428571",
      "Super Bowl L|L|false|0.3333333333|1|0.5",
      "Saint Bernadette Soubirous|Saint Bernadette|false|0.6666666667|1|0.8",
      "nothing in common|totally different|false|0|0|0",
      "the|a|true|0|0|0",
      "''|''|true|0|0|0",
      "Theory of the case|theory of case|true|1|1|1",
      "Café—au lait|café au lait|false|0.5|0.3333333333|0.4"})
  void squadTokenF1AndExactMatch(String prediction, String truth, boolean em, double p, double r, double f1) {
    EvalScore s = score(evaluator("token_f1"), prediction, truth, Map.of());
    assertThat(s.value()).isCloseTo(f1, within(1e-9));
    assertThat(detail(s, "precision")).isCloseTo(p, within(1e-9));
    assertThat(detail(s, "recall")).isCloseTo(r, within(1e-9));
    EvalScore exact = score(evaluator("exact_match"), prediction, truth, Map.of("normalize", "squad"));
    assertThat(exact.value()).isEqualTo(em ? 1.0 : 0.0);
    assertThat(exact.label()).isEqualTo(em ? "pass" : "fail");
  }

  @Test
  void squadNormalisation() {
    // [REF] normalize_answer outputs
    assertThat(SquadNormalizer.normalize("a cat, an apple and the dog!")).isEqualTo("cat apple and dog");
    assertThat(SquadNormalizer.normalize("Café—au lait")).isEqualTo("café—au lait");
    assertThat(SquadNormalizer.normalize("  The\tTheory   of the case ")).isEqualTo("theory of case");
  }

  // ---- Levenshtein

  @ParameterizedTest(name = "''{0}'' vs ''{1}'': distance {2}")
  @CsvSource(delimiter = '|', value = {
      "kitten|sitting|3|0.5714285714285714",
      "flaw|lawn|2|0.5",
      "café|cafe|1|0.75",
      "🌍🌍|🌍x|1|0.5",
      "''|''|0|1",
      "''|abc|3|0",
      "same|same|0|1"})
  void levenshteinDistances(String a, String b, long distance, double similarity) {
    EvalScore s = score(evaluator("levenshtein"), a, b, Map.of());
    assertThat(s.details().get("distance")).isEqualTo(distance);
    assertThat(s.value()).isCloseTo(similarity, within(EPS));
  }

  @Test
  void levenshteinCanIgnoreCaseAndCutsHugeTexts() {
    assertThat(score(evaluator("levenshtein"), "HELLO", "hello", Map.of("ignore_case", "true")).value()).isEqualTo(1.0);
    String big = "ab".repeat(20_000);
    EvalScore s = score(evaluator("levenshtein"), big, big + "x", Map.of());
    assertThat(s.value()).isEqualTo(1.0);
    assertThat(s.details().get("truncated_to_code_points")).isEqualTo((long) Levenshtein.MAX_CODE_POINTS);
  }

  private static Evaluator evaluator(String name) {
    List<Evaluator> all = new BuiltinEvaluatorProvider().create(null, null);
    return all.stream().filter(e -> e.info().name().equals(name)).findFirst().orElseThrow();
  }
}
