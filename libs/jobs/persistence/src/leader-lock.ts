import { DataSource, QueryRunner } from 'typeorm';

/**
 * Leadership among gateway replicas through a session-level Postgres advisory lock, held on a
 * connection of its own: the lock lives exactly as long as that session, so a leader that dies
 * or loses Postgres releases it at once (no expiry to tune, no clock to trust), and a replica
 * that is not the leader holds no connection. Used for work one replica at a time is enough
 * for (the reconciler); the work itself stays safe if two ever overlap briefly.
 */
export class LeaderLock {
  private session?: QueryRunner;

  constructor(
    private readonly dataSource: DataSource,
    /** Any constant, the same in every replica (advisory lock keys are per database). */
    private readonly key: number,
  ) {}

  get held(): boolean {
    return this.session !== undefined;
  }

  /**
   * True while this replica leads: checks that its session is still alive, or tries to take the
   * lock when it does not lead. False (never a throw) when Postgres is unreachable.
   */
  async acquire(): Promise<boolean> {
    if (this.session) {
      if (
        await this.session.query('SELECT 1').then(
          () => true,
          () => false,
        )
      )
        return true;
      await this.drop();
    }
    const session = this.dataSource.createQueryRunner();
    try {
      await session.connect();
      const [row] = (await session.query('SELECT pg_try_advisory_lock($1) AS locked', [this.key])) as { locked: boolean }[];
      if (row?.locked) {
        this.session = session;
        return true;
      }
    } catch {
      // Postgres down: not the leader this time.
    }
    await session.release().catch(() => undefined);
    return false;
  }

  /** Gives leadership up (shutdown): another replica takes it at its next try. */
  async release(): Promise<void> {
    if (!this.session) return;
    await this.session.query('SELECT pg_advisory_unlock($1)', [this.key]).catch(() => undefined);
    await this.drop();
  }

  private async drop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release().catch(() => undefined);
  }
}
