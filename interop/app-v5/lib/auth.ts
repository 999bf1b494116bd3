import NextAuth from 'next-auth';
import Cognito from 'next-auth/providers/cognito';

// Same environment as app-v4 and the Rust tier: NEXTAUTH_URL and NEXTAUTH_SECRET (next-auth 5
// reads AUTH_URL / AUTH_SECRET first and falls back to these), COGNITO_ISSUER,
// COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET.
export const { handlers, auth } = NextAuth({
  basePath: '/api/auth',
  trustHost: true,
  providers: [
    Cognito({
      clientId: process.env.COGNITO_CLIENT_ID,
      clientSecret: process.env.COGNITO_CLIENT_SECRET,
      issuer: process.env.COGNITO_ISSUER,
    }),
  ],
  callbacks: {
    // On sign-in `profile` holds the id_token's claims: keep the Cognito groups in the
    // session token. Many groups make the cookie large enough to be chunked.
    async jwt({ token, profile }) {
      if (profile) {
        const groups = profile['cognito:groups'];
        token.groups = Array.isArray(groups) ? groups : [];
      }
      return token;
    },
  },
});

/** The session cookie name in use: `__Secure-` when the public URL is https. */
export const secureCookie = (process.env.AUTH_URL ?? process.env.NEXTAUTH_URL ?? '').startsWith('https://');
