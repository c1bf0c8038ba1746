/**
 * Fakes of what tabs share, for unit tests: one origin's Web Locks (`FakeLockHub`: exclusive locks,
 * requests queued in order, `ifAvailable`, `query`) and a BroadcastChannel (`FakeChannelHub`:
 * a message reaches every other context's channel, asynchronously, as a structured clone). `close`
 * ends a context as a closed tab does: the browser releases its locks, its messages stop.
 */
import type { TabChannel, TabLock, TabLocks } from './tabLocks.ts';

interface Grant {
  context: string;
}

interface Waiter {
  context: string;
  grant(): void;
}

export class FakeLockHub {
  private readonly held = new Map<string, Grant>();
  private readonly queues = new Map<string, Waiter[]>();
  private readonly closed = new Set<string>();

  /** The locks of one context (a tab's worker or page). */
  locks(context: string): TabLocks {
    return {
      request: (name, options, callback) => this.request(context, name, options, callback),
      query: async () => ({ held: [...this.held.keys()].map((name) => ({ name })) }),
    };
  }

  /** Who holds `name` now (a context), if anyone. */
  holder(name: string): string | null {
    return this.held.get(name)?.context ?? null;
  }

  /** The context ends (a tab closed, a worker crashed): its locks are released, its requests dropped. */
  close(context: string): void {
    this.closed.add(context);
    for (const [name, waiters] of this.queues) this.queues.set(name, waiters.filter((w) => w.context !== context));
    for (const [name, grant] of [...this.held]) if (grant.context === context) this.free(name, grant);
  }

  private request(context: string, name: string, options: { ifAvailable?: boolean }, callback: (lock: TabLock | null) => unknown): Promise<unknown> {
    if (this.closed.has(context)) return new Promise(() => undefined);
    const busy = this.held.has(name) || (this.queues.get(name)?.length ?? 0) > 0;
    if (options.ifAvailable && busy) return Promise.resolve().then(() => callback(null));
    return new Promise((resolve, reject) => {
      const grant = () => {
        const token: Grant = { context };
        this.held.set(name, token);
        Promise.resolve()
          .then(() => callback({ name }))
          .then(
            (value) => {
              this.free(name, token);
              resolve(value);
            },
            (error: unknown) => {
              this.free(name, token);
              reject(error instanceof Error ? error : new Error(String(error)));
            },
          );
      };
      if (busy) this.queues.set(name, [...(this.queues.get(name) ?? []), { context, grant }]);
      else grant();
    });
  }

  private free(name: string, token: Grant): void {
    if (this.held.get(name) !== token) return;
    this.held.delete(name);
    const queue = this.queues.get(name) ?? [];
    const next = queue.shift();
    if (next) next.grant();
  }
}

export class FakeChannelHub {
  private readonly members: { context: string; listeners: ((event: { data: unknown }) => void)[] }[] = [];
  private readonly closed = new Set<string>();

  /** One context's channel. */
  channel(context: string): TabChannel {
    const member = { context, listeners: [] as ((event: { data: unknown }) => void)[] };
    this.members.push(member);
    return {
      postMessage: (message) => {
        if (this.closed.has(context)) return;
        const data = structuredClone(message);
        for (const other of this.members) {
          if (other === member || other.context === context) continue;
          setTimeout(() => {
            if (!this.closed.has(other.context)) for (const listener of other.listeners) listener({ data: structuredClone(data) });
          }, 0);
        }
      },
      addEventListener: (_type, listener) => void member.listeners.push(listener),
    };
  }

  /** The context ends: it neither sends nor receives any more. */
  close(context: string): void {
    this.closed.add(context);
  }
}
