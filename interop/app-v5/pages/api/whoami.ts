import type { NextApiRequest, NextApiResponse } from 'next';
import { getToken } from 'next-auth/jwt';
import { auth, secureCookie } from '../../lib/auth';

// Server-side view of the session: auth(req, res) (v5's getServerSession) for the session,
// getToken for the raw token (the groups are in the token, not in the default session).
export default async function whoami(req: NextApiRequest, res: NextApiResponse) {
  const session = await auth(req, res);
  if (!session) {
    res.status(401).json({ session: null, groupsCount: 0 });
    return;
  }
  const secret = process.env.AUTH_SECRET ?? process.env.NEXTAUTH_SECRET;
  const token = await getToken({ req: { headers: req.headers as Record<string, string> }, secret, secureCookie });
  const groups = Array.isArray(token?.groups) ? token.groups : [];
  res.status(200).json({ session, groupsCount: groups.length });
}
