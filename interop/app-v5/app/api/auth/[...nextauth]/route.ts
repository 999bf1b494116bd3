// next-auth 5's handlers are Web `Request -> Response` functions, i.e. App Router route
// handlers; the pages stay on the Pages Router.
import { handlers } from '../../../../lib/auth';

export const { GET, POST } = handlers;
