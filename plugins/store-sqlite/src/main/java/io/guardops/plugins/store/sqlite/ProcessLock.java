package io.guardops.plugins.store.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Refuses a second store on one database file in this JVM. Two GuardOps engines embedded in one
 * process each load SQLite's native library through their own plugin class loader, and SQLite's
 * file locks cannot keep two copies of the library in one process apart (POSIX locks belong to the
 * process, and each copy tracks its own), so both could write at once.
 *
 * <p>The guard is a shared {@link FileLock} on {@code <database>.lock}, held for the store's
 * lifetime. The JVM records file locks in one table for all class loaders and throws {@link
 * OverlappingFileLockException} at a second lock of the same file, which is the refusal; a shared
 * lock never conflicts with another process's shared lock, so other processes (the multi-host case
 * SQLite's own locks handle) open the file as before. The lock file is never deleted: a new file
 * would be a new inode, and a lock on it would not see the old one.
 */
final class ProcessLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private ProcessLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of {@code database}: beside its real path, so two names of one file share one lock. */
  static Path fileOf(Path database) throws IOException {
    Path real = Files.exists(database) ? database.toRealPath()
        : database.toAbsolutePath().getParent().toRealPath().resolve(database.getFileName());
    return real.resolveSibling(real.getFileName() + ".lock");
  }

  /**
   * Takes the lock of {@code database} for this JVM.
   *
   * @throws IllegalStateException if a store in this JVM (of any class loader) has the file open
   * @throws IOException if the lock file cannot be created or locked
   */
  static ProcessLock acquire(Path database) throws IOException {
    Path file = fileOf(database);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IOException("cannot create the lock file " + file + " beside the SQLite database (" + e + "): the"
          + " store needs write access to the database's directory", e);
    }
    try {
      FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
      if (lock == null) {
        // only an exclusive lock of another process refuses a shared one; this code never takes one
        throw new IllegalStateException("another process holds an exclusive lock on " + file + "; stop it, or point"
            + " guardops.store.sqlite.path elsewhere");
      }
      return new ProcessLock(file, channel, lock);
    } catch (OverlappingFileLockException e) {
      closeAfterFailure(channel, e);
      throw new IllegalStateException("this database is already open in this process by another GuardOps engine: "
          + database + ". Two engines in one JVM cannot share a SQLite file (each loads its own copy of SQLite, and"
          + " their locks do not see each other, so both would write at once): give each engine its own"
          + " guardops.store.sqlite.path, or share one engine", e);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(channel, e);
      throw e;
    }
  }

  private static void closeAfterFailure(FileChannel channel, Exception cause) {
    try {
      // on POSIX this also drops the OS-level lock of the store that holds the file in this JVM; that
      // lock never excluded anyone (all are shared), and the JVM's own table, which is the guard, keeps it
      channel.close();
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  Path file() {
    return file;
  }

  /** Releases the lock (the file stays). */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
