import { forgetKey, storedKey } from './session';

/** An RFC 9457 problem from the API, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail || title);
  }
}

export type Unauthorized = () => void;
let onUnauthorized: Unauthorized = () => {};
/** Called when the API refuses the stored key (401): the shell signs out. */
export function setUnauthorizedHandler(handler: Unauthorized) {
  onUnauthorized = handler;
}

export async function api<T>(path: string, init: RequestInit & { key?: string } = {}): Promise<T> {
  const key = init.key ?? storedKey();
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json');
  if (key) headers.set('Authorization', `Bearer ${key}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch (e) {
    throw new ApiError(0, 'Network error', `The app could not be reached (${(e as Error).message}).`);
  }
  if (!res.ok) {
    let title = res.statusText;
    let detail = '';
    try {
      const body = await res.json();
      title = body.title ?? title;
      detail = body.detail ?? '';
    } catch {
      /* not a problem document */
    }
    if (res.status === 401 && !init.key) {
      forgetKey();
      onUnauthorized();
    }
    throw new ApiError(res.status, title, detail);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

// ---- API shapes (see the README's API table) ----

export interface Factor {
  feature: string;
  points: number;
  direction: 'positive' | 'negative';
  text: string;
}

export interface ScoreView {
  probability: number;
  score: number;
  grade: string;
  model: string;
  factors: Factor[] | null;
  scoredAt: string;
}

export interface Lead {
  id: string;
  accountId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  title: string | null;
  source: string | null;
  origin: string | null;
  country: string | null;
  occupation: string | null;
  status: string;
  ownerId: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  score: ScoreView | null;
}

export interface LeadRow {
  id: string;
  name: string | null;
  email: string | null;
  title: string | null;
  account: string | null;
  status: string;
  ownerId: string | null;
  ownerName: string | null;
  score: number | null;
  grade: string | null;
  change: number | null;
  scoredAt: string | null;
  lastActivityAt: string | null;
}

export interface LeadPage {
  items: LeadRow[];
  total: number;
  offset: number;
  limit: number;
  owners: { id: string; name: string }[];
}

export interface TimelineEntry {
  at: string;
  kind: 'activity' | 'email' | 'reply' | 'call';
  type: string;
  properties: Record<string, unknown>;
}

export interface Overview {
  grades: { key: string; count: number }[];
  statuses: { key: string; count: number }[];
  funnel: { stage: string; reached: number; open: number }[];
  replyTrend: { week: string; sent: number; replied: number }[];
  scoredLeads: number;
}

/** A day of GET /api/v1/dashboard/daily (admins): organisation-wide figures the nightly run refreshes. */
export interface DailyFigures {
  day: string; // ISO date, e.g. "2026-11-24"
  leadsCreated: number;
  leadsConverted: number;
  leadsDisqualified: number;
  openLeads: number;
  activities: number;
  emailsSent: number;
  replies: number;
  scoredLeads: number;
  meanScore: number | null;
  gradeA: number;
  gradeB: number;
  gradeC: number;
  gradeD: number;
}

export interface ScoreChange {
  scoreId: number;
  leadId: string;
  name: string | null;
  ownerId: string | null;
  score: number;
  grade: string;
  previousScore: number | null;
  previousGrade: string | null;
  model: string;
  scoredAt: string;
}

export interface ModelView {
  name: string;
  version: string;
  status: string;
  source: string;
  sha256: string;
  metrics: Record<string, any> | null;
  validation: Record<string, any> | null;
  registeredBy: string | null;
  createdAt: string;
  validatedAt: string | null;
  activatedAt: string | null;
}

/** A model served from files, not the registry (GET /api/v1/models/served). */
export interface ServedModel {
  name: string;
  version: string;
  where: string;
  state: 'loaded' | 'not loaded yet' | 'unavailable';
  error: string | null;
  metrics: Record<string, any> | null;
}

export interface BatchRun {
  id: number;
  trigger: string;
  requestedBy: string | null;
  status: string;
  total: number;
  scored: number;
  changed: number;
  failed: number;
  done: number;
  leadsPerSecond: number | null;
  etaSeconds: number | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface Drift {
  runId: number;
  measuredAt: string;
  modelVersion: string;
  [key: string]: unknown;
}
