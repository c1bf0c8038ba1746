/**
 * One tab runs a study's queue. The page that runs it holds the Web Lock `mtaa-study:<id>` while the
 * study has work (a running item or queued ones), and posts the study on a BroadcastChannel each time
 * it changes; another tab of the profile shows the study as running elsewhere, follows it, never
 * starts its queue, and waits for the lock: granted when the owner's study settles or its tab closes
 * (the browser releases a closed tab's locks), then the study is that tab's to go on with.
 * Browser APIs only (no worker): the runs themselves have locks of their own in the trainer worker.
 */
import { holdLockIfAvailable } from '../../core/heldLock.ts';
import type { Study } from '../study.ts';

const CHANNEL = 'mtaa-study';
const lockName = (studyId: string) => `mtaa-study:${studyId}`;

/** The part of `LockManager` used here (a fake in the tests). */
export interface StudyLocks {
  request(name: string, options: { ifAvailable?: boolean }, callback: (lock: { name: string } | null) => unknown): Promise<unknown>;
}

/** The part of `BroadcastChannel` used here. */
export interface StudyChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

interface StudyMessage {
  kind: 'study';
  study: Study;
}

export class StudyTabs {
  private held: { id: string; granted: Promise<boolean>; release: () => void } | null = null;
  private readonly waiting = new Set<string>();
  private readonly channel: StudyChannel | null;

  constructor(
    private readonly locks: StudyLocks | null = (globalThis.navigator as Navigator | undefined)?.locks ?? null,
    // Only beside Web Locks (a browser): Node's unit tests get neither, and no channel between tests.
    channel: StudyChannel | null = locks && typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(CHANNEL) : null,
  ) {
    this.channel = channel;
  }

  /** Whether this tab holds the study's lock (it runs its queue). */
  owns(studyId: string): boolean {
    return this.held?.id === studyId;
  }

  /** Takes the study's lock if no tab holds it (one study at a time: a previous one's is given back). */
  claim(studyId: string): Promise<boolean> {
    if (this.held?.id === studyId) return this.held.granted;
    this.release();
    const entry = { id: studyId, ...holdLockIfAvailable(this.locks, lockName(studyId)) };
    const { granted } = entry;
    this.held = entry;
    void granted.then((ok) => {
      if (!ok && this.held === entry) this.held = null;
    });
    return granted;
  }

  /** Gives the study's lock back (its queue has nothing left to start, or it was cleared). */
  release(): void {
    const held = this.held;
    this.held = null;
    held?.release();
  }

  /** Calls `onFree` once the tab that runs the study lets go of it (once per study, however often asked). */
  whenFree(studyId: string, onFree: () => void): void {
    const locks = this.locks;
    if (!locks || this.waiting.has(studyId)) return;
    this.waiting.add(studyId);
    const free = () => {
      this.waiting.delete(studyId);
      onFree();
    };
    locks.request(lockName(studyId), {}, () => undefined).then(free, free);
  }

  /** Tells the other tabs how the study this tab runs stands now. */
  publish(study: Study): void {
    if (!this.owns(study.id)) return;
    this.channel?.postMessage({ kind: 'study', study } satisfies StudyMessage);
  }

  /** `listener` gets the study each time the tab running it changes it. */
  onStudy(listener: (study: Study) => void): void {
    this.channel?.addEventListener('message', (event) => {
      const message = event.data as Partial<StudyMessage> | null;
      if (message?.kind === 'study' && message.study && !this.owns(message.study.id)) listener(message.study);
    });
  }
}
