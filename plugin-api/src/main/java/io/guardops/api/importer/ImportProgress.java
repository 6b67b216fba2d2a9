package io.guardops.api.importer;

/** Hears an import's progress; called on the importing thread. */
public interface ImportProgress {
  /**
   * {@code done} of {@code total} things of one kind ({@code spans}, {@code users}); {@code total} is
   * -1 when unknown.
   */
  void progress(String what, long done, long total);

  /** Something worth telling the user (a skipped record and why). */
  void note(String message);

  /** Progress nobody hears. */
  static ImportProgress none() {
    return new ImportProgress() {
      @Override
      public void progress(String what, long done, long total) {}

      @Override
      public void note(String message) {}
    };
  }
}
