import type { Logger } from 'pino';
import { metricValue } from '../src/core/objective.js';
import type { StoredCheckpoint } from '../src/execution/run-assignment.js';
import type { SchedulerSpec } from '../src/population/pbt-settings.js';
import { decideGeneration, type Member } from '../src/population/population.js';
import { Rng } from '../src/random/rng.js';
import { pbtSeed } from '../src/random/seed-streams.js';
import type { ParamValues } from '../src/space/param-spec.js';
import type { TrialRecord } from '../src/store/records.js';
import type { NewSegment, SegmentRecord } from '../src/store/segments.js';
import type { Study } from '../src/study/study.js';
import type { ActiveTrial } from './active-trial.js';

/** How a member goes on from a decision point. */
export interface NextSegment {
  readonly active: ActiveTrial;
  readonly params: ParamValues;
  /** The checkpoint it goes on from: its own, or (exploit) a copy of a better member's. */
  readonly checkpoint: StoredCheckpoint;
}

/**
 * Population Based Training over a runner's trials (the study's `scheduler`): each member (a
 * trial of one repeat) stops at every `interval` epochs; once every member still training waits
 * at the same point, the point is decided (population.ts) and recorded with the store's
 * startSegments: the worst members go on from copies of the best ones' checkpoints with
 * explored parameters. The decision is a function of the study's seed and the stored epochs,
 * so a coordinator that died before recording it decides the same again.
 */
export class PopulationSchedule {
  /** Recorded segments by member (trial number), by first epoch. */
  private readonly segments = new Map<number, SegmentRecord[]>();
  /** Members that wait at a decision point, by trial number. */
  private readonly waiting = new Map<number, ActiveTrial>();

  constructor(
    private readonly spec: SchedulerSpec,
    private readonly study: Study,
    /** Epochs a member trains in all. */
    private readonly epochs: number,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<void> {
    for (const segment of await this.study.store.listSegments(this.study.id)) this.remember(segment);
  }

  /**
   * What a member's run that goes on from `epoch` is told: to stop at the next decision point
   * (none after the last), and, when it goes on from another member's state, that the best epoch
   * it carries is not its own.
   */
  plan(trial: number, epoch: number): { stopAfter?: number; freshBest?: true } {
    const next = (Math.floor(epoch / this.spec.interval) + 1) * this.spec.interval;
    return { ...(next < this.epochs && { stopAfter: next }), ...(this.exploitedAfter(trial, epoch) && { freshBest: true }) };
  }

  /**
   * A re-queued member goes on with the parameters of its segment; one whose checkpoint is of a
   * decision point that was not decided (the coordinator stopped there) waits at it again.
   */
  rejoin(active: ActiveTrial): void {
    const from = active.resume.get(0)?.epoch ?? 0;
    active.params = this.paramsFrom(active.trial, from + 1);
    if (!this.isPoint(from) || this.decided(active.trial.number, from)) return;
    active.pending.splice(0);
    active.resume.delete(0);
    active.waitingAt = from;
  }

  isPoint(epoch: number): boolean {
    return epoch > 0 && epoch % this.spec.interval === 0 && epoch < this.epochs;
  }

  /** The parameters a member trains with from `epoch` on: its latest segment's before then, or its own. */
  paramsFrom(trial: TrialRecord, epoch: number): ParamValues {
    const recorded = (this.segments.get(trial.number) ?? []).filter((segment) => segment.fromEpoch <= epoch);
    return recorded.at(-1)?.params ?? trial.params;
  }

  /** Whether the point after `epoch` was decided for the member (by this coordinator or one before it). */
  private decided(trial: number, epoch: number): boolean {
    return (this.segments.get(trial) ?? []).some((segment) => segment.fromEpoch === epoch + 1);
  }

  /** Whether the member went on from another member's state after `epoch` (exploit). */
  private exploitedAfter(trial: number, epoch: number): boolean {
    return (this.segments.get(trial) ?? []).some((segment) => segment.fromEpoch === epoch + 1 && segment.parent !== undefined);
  }

  /** The last epoch before the member last went on from another member's state; 0 if it never did. */
  lastExploit(trial: number): number {
    const copied = (this.segments.get(trial) ?? []).filter((segment) => segment.parent !== undefined);
    return (copied.at(-1)?.fromEpoch ?? 1) - 1;
  }

  /** The member stopped at its decision point (`active.waitingAt`) and waits for the others. */
  wait(active: ActiveTrial): void {
    this.waiting.set(active.trial.number, active);
  }

  /** The member left the population (it ended) or its attempt did (re-queued): it waits no more. */
  leave(trial: number): void {
    this.waiting.delete(trial);
  }

  /**
   * Decides the point at which every member still training waits, when they all do (`live`:
   * the members that have not ended, started or not), records it and returns how each goes on;
   * undefined while some are still on their way there.
   */
  async decideIfReady(live: number): Promise<NextSegment[] | undefined> {
    const members = [...this.waiting.values()].sort((a, b) => a.trial.number - b.trial.number);
    if (members.length === 0 || members.length < live) return undefined;
    const epoch = members[0]?.waitingAt as number;
    if (members.some((active) => active.waitingAt !== epoch)) {
      this.logger.warn({ points: members.map((active) => active.waitingAt) }, 'members wait at different decision points');
      return undefined;
    }
    const { definition, store } = this.study;
    const { metric, direction } = definition.objective;
    // A member whose checkpoint of this point is missing or damaged cannot be copied, nor go on
    // from its own: it ranks last, and copies a better member's.
    const checkpoints = new Map<number, StoredCheckpoint>();
    for (const active of members) {
      try {
        const checkpoint = await store.loadCheckpoint(active.trial.id, 0);
        if (checkpoint?.epoch === epoch) checkpoints.set(active.trial.number, checkpoint);
        else this.logger.warn({ trial: active.trial.number, epoch }, 'a member has no checkpoint of its decision point');
      } catch (error) {
        this.logger.warn({ trial: active.trial.number, epoch, reason: (error as Error).message }, "a member's checkpoint is damaged");
      }
    }
    const scored: Member[] = members.map((active) => {
      const metrics = active.curves.get(0)?.[epoch - 1];
      const usable = checkpoints.has(active.trial.number) && metrics !== undefined;
      return { id: active.trial.number, params: active.params, score: usable ? metricValue(metrics, metric) : Number.NaN };
    });
    const donors = scored.filter((member) => Number.isFinite(member.score) && checkpoints.has(member.id));
    if (donors.length === 0) throw new Error(`PBT cannot go on after epoch ${epoch}: no member has a usable checkpoint of it`);
    const best = donors.reduce((a, b) => ((direction === 'maximize' ? b.score > a.score : b.score < a.score) ? b : a));
    const decisions = decideGeneration(scored, this.spec, definition.space, direction, new Rng(pbtSeed(definition.seed, epoch)));
    const byNumber = new Map(members.map((active) => [active.trial.number, active]));
    const next = members.map((active) => {
      const decision = decisions.get(active.trial.number) ?? { kind: 'continue' as const };
      if (decision.kind === 'exploit') return { active, params: decision.params, from: decision.from };
      // Nothing of its own to go on from: the best member's state, with its own parameters.
      if (!checkpoints.has(active.trial.number)) return { active, params: active.params, from: best.id };
      return { active, params: active.params, from: undefined };
    });
    const segments: NewSegment[] = next.map(({ active, params, from }) => ({
      trialId: active.trial.id,
      attempt: active.trial.attempt,
      fromEpoch: epoch + 1,
      params,
      ...(from !== undefined && { parentId: (byNumber.get(from) as ActiveTrial).trial.id }),
    }));
    await store.startSegments(segments);
    for (const { active, params, from } of next) {
      this.remember({ trial: active.trial.number, fromEpoch: epoch + 1, params, ...(from !== undefined && { parent: from }) });
      this.waiting.delete(active.trial.number);
    }
    this.logger.info(
      {
        epoch,
        exploits: next.filter((segment) => segment.from !== undefined).map(({ active, from }) => `${active.trial.number}<-${from}`),
      },
      'PBT decision point',
    );
    return next.map(({ active, params, from }) => ({
      active,
      params,
      checkpoint: checkpoints.get(from ?? active.trial.number) as StoredCheckpoint,
    }));
  }

  private remember(segment: SegmentRecord): void {
    let list = this.segments.get(segment.trial);
    if (!list) this.segments.set(segment.trial, (list = []));
    list.push(segment);
    list.sort((a, b) => a.fromEpoch - b.fromEpoch);
  }
}
