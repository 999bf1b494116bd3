import { useEffect, useState } from 'react';
import { signIn, signOut, useSession } from 'next-auth/react';

type Whoami = { state: 'idle' | 'loading' | 'error' } | { state: 'ok'; groupsCount: number; email: string };

// Markup for the browser scenarios: every value they check has a data-testid.
export default function Home() {
  const { data: session, status } = useSession();
  const [whoami, setWhoami] = useState<Whoami>({ state: 'idle' });

  useEffect(() => {
    if (status !== 'authenticated') {
      setWhoami({ state: 'idle' });
      return;
    }
    setWhoami({ state: 'loading' });
    fetch('/api/whoami')
      .then(async (res) => {
        if (!res.ok) throw new Error(`whoami answered ${res.status}`);
        const body = await res.json();
        setWhoami({ state: 'ok', groupsCount: body.groupsCount, email: body.session?.user?.email ?? '' });
      })
      .catch(() => setWhoami({ state: 'error' }));
  }, [status]);

  const shown = status === 'authenticated' ? 'signed-in' : status === 'loading' ? 'loading' : 'signed-out';
  return (
    <main>
      <h1 data-testid="app">next-auth v5 interop app</h1>
      <p data-testid="status">{shown}</p>
      {session ? (
        <>
          <p>
            Name: <span data-testid="name">{session.user?.name}</span>
          </p>
          <p>
            Email: <span data-testid="email">{session.user?.email}</span>
          </p>
          <p>
            whoami: <span data-testid="whoami">{whoami.state}</span>
            {whoami.state === 'ok' && (
              <>
                {' '}
                as <span data-testid="whoami-email">{whoami.email}</span>, groups:{' '}
                <span data-testid="groups">{whoami.groupsCount}</span>
              </>
            )}
          </p>
          <button data-testid="signout" onClick={() => signOut()}>
            Sign out
          </button>
        </>
      ) : status === 'unauthenticated' ? (
        <button data-testid="signin" onClick={() => signIn('cognito')}>
          Sign in with Cognito
        </button>
      ) : null}
    </main>
  );
}
