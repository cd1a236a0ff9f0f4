import { useCallback, useEffect, useState } from 'react';
import { NavLink, Route, Routes, useNavigate } from 'react-router-dom';
import { api, ApiError, setUnauthorizedHandler } from './api';
import { forgetKey, scopeLabel, storedKey, storeKey, type Me } from './session';
import { Loading } from './components/State';
import { Overview } from './pages/Overview';
import { Leads } from './pages/Leads';
import { LeadPage } from './pages/LeadPage';
import { Models } from './pages/Models';
import { Emails } from './pages/Emails';
import { Placeholder } from './pages/Placeholder';
import { CallPage, Calls } from './pages/Calls';
import { Deals } from './pages/Deals';

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(() => storedKey() != null);
  const navigate = useNavigate();

  const signOut = useCallback(() => {
    forgetKey();
    setMe(null);
    navigate('/');
  }, [navigate]);

  useEffect(() => {
    setUnauthorizedHandler(() => setMe(null));
    const key = storedKey();
    if (!key) return;
    api<Me>('/api/v1/me').then(setMe, () => setMe(null)).finally(() => setChecking(false));
  }, []);

  if (checking) return <main className="signin"><Loading what="your session" /></main>;
  if (!me) return <SignIn onSignedIn={setMe} />;

  return (
    <div className="shell">
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">Closer</span>
        <nav aria-label="Main">
          <NavLink to="/" end>Overview</NavLink>
          <NavLink to="/leads">Leads</NavLink>
          <NavLink to="/emails">Emails</NavLink>
          <NavLink to="/calls">Calls</NavLink>
          <NavLink to="/deals">Deals</NavLink>
          <NavLink to="/models">Models</NavLink>
        </nav>
        <div className="who" data-testid="who">
          <span><strong>{me.userId}</strong> · {me.role} · {scopeLabel(me)}</span>
          <button type="button" className="link" onClick={signOut}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<Overview me={me} />} />
          <Route path="/leads" element={<Leads me={me} />} />
          <Route path="/leads/:id" element={<LeadPage />} />
          <Route path="/models" element={<Models me={me} />} />
          <Route path="/emails" element={<Emails me={me} />} />
          <Route path="/emails/sequences/:id" element={<Emails me={me} />} />
          <Route path="/calls" element={<Calls />} />
          <Route path="/calls/:id" element={<CallPage />} />
          <Route path="/deals" element={<Deals />} />
          <Route path="*" element={<Placeholder title="Page not found" what="" issue="" />} />
        </Routes>
      </main>
    </div>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api<Me>('/api/v1/me', { key: key.trim() });
      storeKey(key);
      onSignedIn(me);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401
        ? 'That API key is unknown or revoked.'
        : `Could not sign in: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Closer</h1>
        <p>Sign in with your API key. An admin sees every lead, a manager their team's, a rep their own.</p>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" value={key} required
          placeholder="ck_…" onChange={(e) => setKey(e.target.value)} />
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="submit" disabled={busy || !key.trim()}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <p className="hint">The key stays in this browser tab (session storage) and is forgotten when you sign out
          or close the tab. <code>deploy/local/run.sh</code> prints an admin key.</p>
      </form>
    </main>
  );
}
