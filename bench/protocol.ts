import type { StorageCounts } from './counting-proxy.js';

/** The kinds of turn we time separately. */
export const TURN_KINDS = ['message', 'submit', 'resume', 'list'] as const;
export type TurnKind = (typeof TURN_KINDS)[number];

/** Why a turn did not succeed. */
export type TurnError = 'http' | 'invoke-status' | 'no-reply' | 'turn-error-message' | 'rate-limited' | 'timeout' | 'network' | 'unexpected-card';

/** Which bot a request goes to. */
export interface Target {
  /**
   * tencs; the bare bot; the bare bot doing one point read and one write of an entity of our size per turn;
   * tencs on each bot host (bench/hosts.ts), each a bot of its own with its own practitioners.
   */
  readonly name: 'ours' | 'baseline' | 'storage' | 'teams-ai' | 'teams-sdk';
  readonly url: string;
}

/** Everything the load generator needs to act as the Teams channel for one bot identity. */
export interface LoadgenInit {
  readonly type: 'init';
  readonly appId: string;
  readonly tenantId: string;
  readonly channelKeyPem: string;
  readonly channelKid: string;
  readonly loginPublicKeyPem: string;
  /** The practitioner whose partition holds the seeded assessments (virtual practitioner 0). */
  readonly heavyUser: { readonly aadObjectId: string };
  /** Mean pause between a practitioner's turns, ms (uniform 0..2x). */
  readonly thinkMs: number;
}

/** One concurrency step against one bot. */
export interface StepRequest {
  readonly type: 'step';
  readonly id: number;
  readonly target: Target;
  readonly concurrency: number;
  readonly maxTurns: number;
  readonly maxMs: number;
  /** Pause between turns; 0 for warm-up. */
  readonly thinkMs?: number;
  /** Which set of practitioners: warm-up uses its own so the measured ones start rested (the bot rate-limits each user). */
  readonly pool?: 'main' | 'warmup';
}

/** Turns one practitioner through the scenario alone, reading storage counts around every turn. */
export interface ProbeRequest {
  readonly type: 'probe';
  readonly id: number;
  readonly target: Target;
  /** Which virtual practitioner: 0 is the one with the seeded assessments. */
  readonly vp: number;
  readonly turns: number;
  /** Pause between turns, ms, so one practitioner stays inside the bot's per-user rate limit. */
  readonly pauseMs: number;
}

/** One timed turn as measured by the load generator. */
export interface TurnSample {
  readonly kind: TurnKind;
  readonly label: string;
  readonly ms: number;
  readonly error?: TurnError;
}

/** What a step produced. */
export interface StepResult {
  readonly type: 'step-result';
  readonly id: number;
  readonly samples: TurnSample[];
  readonly wallMs: number;
  /** Outgoing calls that reached the connector without a valid bearer token from the login stub. */
  readonly unauthenticatedReplies: number;
}

/** Storage counts for each turn of a probe. */
export interface ProbeResult {
  readonly type: 'probe-result';
  readonly id: number;
  readonly turns: (TurnSample & { storage: StorageCounts })[];
}

/** The load generator asks the runner for the counting proxy's totals. */
export interface CountsQuery {
  readonly type: 'counts?';
  readonly id: number;
}

export interface CountsAnswer {
  readonly type: 'counts';
  readonly id: number;
  readonly counts: StorageCounts;
}

export type ToLoadgen = LoadgenInit | StepRequest | ProbeRequest | CountsAnswer | { readonly type: 'stop' };
export type FromLoadgen =
  { readonly type: 'ready' } | StepResult | ProbeResult | CountsQuery | { readonly type: 'failed'; readonly id: number; readonly message: string };
