//! The provider's discovery document, fetched once and cached.

use std::sync::Arc;

use openidconnect::core::CoreProviderMetadata;
use openidconnect::{IssuerUrl, reqwest};
use tokio::sync::OnceCell;
use url::Url;

use crate::CognitoError;
use crate::error::{HttpCause, discovery_cause};
use crate::http::require_secure;

/// The endpoints this crate uses, from a validated discovery document.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    pub(crate) authorization: Url,
    pub(crate) token: Url,
    pub(crate) jwks: Url,
    /// Cognito's hosted-UI logout: `/logout` on the authorization endpoint's origin.
    pub(crate) logout: Url,
}

/// Discovery, fetched on first use and kept. A failed fetch is not cached: the next sign-in
/// tries again. Concurrent first uses wait for the same fetch.
#[derive(Debug)]
pub(crate) struct Discovery {
    issuer: IssuerUrl,
    cell: OnceCell<Arc<Endpoints>>,
}

impl Discovery {
    pub(crate) fn new(issuer: IssuerUrl) -> Self {
        Discovery {
            issuer,
            cell: OnceCell::new(),
        }
    }

    pub(crate) async fn get(
        &self,
        client: &reqwest::Client,
    ) -> Result<Arc<Endpoints>, CognitoError> {
        self.cell
            .get_or_try_init(|| async {
                let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), client)
                    .await
                    .map_err(|e| CognitoError::Discovery {
                        url: self.document_url(),
                        cause: discovery_cause(&e),
                    })?;
                endpoints(metadata)
                    .map_err(|what| match what {
                        Missing::TokenEndpoint => CognitoError::Discovery {
                            url: self.document_url(),
                            cause: HttpCause::Invalid("no token_endpoint".into()),
                        },
                        Missing::Insecure(e) => e,
                    })
                    .map(Arc::new)
            })
            .await
            .cloned()
    }

    /// Where the discovery document is.
    fn document_url(&self) -> String {
        format!(
            "{}/.well-known/openid-configuration",
            self.issuer.as_str().trim_end_matches('/')
        )
    }
}

/// What makes a discovery document unusable.
enum Missing {
    TokenEndpoint,
    Insecure(CognitoError),
}

fn endpoints(metadata: CoreProviderMetadata) -> Result<Endpoints, Missing> {
    let authorization = metadata.authorization_endpoint().url().clone();
    let token = metadata
        .token_endpoint()
        .ok_or(Missing::TokenEndpoint)?
        .url()
        .clone();
    let jwks = metadata.jwks_uri().url().clone();
    // A discovery document can not downgrade the connection to the IdP either.
    require_secure(&authorization, "authorization_endpoint").map_err(Missing::Insecure)?;
    require_secure(&token, "token_endpoint").map_err(Missing::Insecure)?;
    require_secure(&jwks, "jwks_uri").map_err(Missing::Insecure)?;
    let mut logout = authorization.clone();
    logout.set_path("/logout");
    logout.set_query(None);
    Ok(Endpoints {
        authorization,
        token,
        jwks,
        logout,
    })
}
