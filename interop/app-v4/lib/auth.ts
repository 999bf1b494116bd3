import type { NextAuthOptions } from 'next-auth';
import CognitoProvider from 'next-auth/providers/cognito';

// Everything comes from the environment at run time (the same variables the Rust tier gets):
// NEXTAUTH_URL, NEXTAUTH_SECRET (read by next-auth itself), COGNITO_ISSUER,
// COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET.
export const authOptions: NextAuthOptions = {
  providers: [
    CognitoProvider({
      clientId: process.env.COGNITO_CLIENT_ID ?? '',
      clientSecret: process.env.COGNITO_CLIENT_SECRET ?? '',
      issuer: process.env.COGNITO_ISSUER,
    }),
  ],
  callbacks: {
    // On sign-in `profile` holds the id_token's claims: keep the Cognito groups in the
    // session token. Many groups make the cookie large enough to be chunked.
    async jwt({ token, profile }) {
      if (profile) {
        const groups = (profile as Record<string, unknown>)['cognito:groups'];
        token.groups = Array.isArray(groups) ? groups : [];
      }
      return token;
    },
  },
};
