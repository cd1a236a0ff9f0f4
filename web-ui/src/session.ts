// The signed-in user: the API key lives in sessionStorage (gone when the tab closes) and is sent as a Bearer
// header; it is never put in a URL.

export type Role = 'admin' | 'manager' | 'rep';

export interface Me {
  userId: string;
  role: Role;
  team: string | null;
}

const KEY = 'closer.apiKey';

export function storedKey(storage: Pick<Storage, 'getItem'> = sessionStorage): string | null {
  const key = storage.getItem(KEY);
  return key && key.trim() ? key.trim() : null;
}

export function storeKey(key: string, storage: Pick<Storage, 'setItem'> = sessionStorage) {
  storage.setItem(KEY, key.trim());
}

export function forgetKey(storage: Pick<Storage, 'removeItem'> = sessionStorage) {
  storage.removeItem(KEY);
}

/** What a role may do in the UI. The API enforces the same rules; this only hides what would be refused. */
export const can = {
  /** Batch runs and drift: GET /batch/* is admin and manager. */
  seeBatch: (role: Role) => role === 'admin' || role === 'manager',
  /** Activate, roll back, start a batch run: admin only. */
  manageModels: (role: Role) => role === 'admin',
  startBatch: (role: Role) => role === 'admin',
  /** Refresh the sequence counts now (POST /sequences/refresh): admin only; they refresh on a schedule anyway. */
  refreshSequences: (role: Role) => role === 'admin',
};

/** How the UI names whose leads the user sees. */
export function scopeLabel(me: Me): string {
  switch (me.role) {
    case 'admin':
      return 'all leads';
    case 'manager':
      return me.team ? `team ${me.team}` : 'your leads';
    default:
      return 'your leads';
  }
}
