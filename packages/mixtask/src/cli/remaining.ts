import { open, type FileHandle } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';

/** Ids per write: a million not-attempted ids are a thousand writes, and a failed write loses no id. */
const batchSize = 1000;

/**
 * The `--remaining` file: opened (created or emptied) before any stop is sent, so a path that cannot be written is
 * a usage error up front, not a crash after the run. A write that still fails at the end (a full disk, a dropped
 * network mount) hands its ids and every later one to `unwritable`, which prints them.
 */
export class RemainingFile {
  #batch: string[] = [];
  #failure: string | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** Where ids go that could not be written: set by the run, which prints them. */
  unwritable: (ids: readonly string[]) => void = () => undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<E.Either<string, RemainingFile>> {
    try {
      return E.right(new RemainingFile(path, await open(path, 'w')));
    } catch (error) {
      return E.left(`--remaining ${path}: cannot be written (${errorCode(error)})`);
    }
  }

  /** Why writing failed, once it has: the summary says so. */
  get failure(): string | undefined {
    return this.#failure;
  }

  add(id: string): Promise<void> {
    this.#batch.push(id);
    return this.#batch.length >= batchSize ? this.#flush() : Promise.resolve();
  }

  /** Writes what is left and closes the file; never rejects. */
  async close(): Promise<void> {
    await this.#flush();
    await this.handle.close().catch((error: unknown) => this.#fail(errorCode(error)));
  }

  #flush(): Promise<void> {
    const ids = this.#batch;
    this.#batch = [];
    this.#flushing = this.#flushing.then(async () => {
      if (ids.length === 0) return;
      if (this.#failure === undefined) {
        try {
          await this.handle.write(ids.map((id) => `${id}\n`).join(''));
          return;
        } catch (error) {
          this.#fail(errorCode(error));
        }
      }
      this.unwritable(ids);
    });
    return this.#flushing;
  }

  #fail(code: string): void {
    this.#failure ??= `--remaining ${this.path}: writing failed (${code})`;
  }
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}
