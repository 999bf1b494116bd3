import type { NextApiRequest, NextApiResponse } from 'next';
import { getServerSession } from 'next-auth/next';
import { getToken } from 'next-auth/jwt';
import { authOptions } from '../../lib/auth';

// Server-side view of the session: getServerSession for the session, getToken for the
// raw token (the groups are in the token, not in the default session).
export default async function whoami(req: NextApiRequest, res: NextApiResponse) {
  const session = await getServerSession(req, res, authOptions);
  if (!session) {
    res.status(401).json({ session: null, groupsCount: 0 });
    return;
  }
  const token = await getToken({ req });
  const groups = Array.isArray(token?.groups) ? token.groups : [];
  res.status(200).json({ session, groupsCount: groups.length });
}
