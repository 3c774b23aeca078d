//! Access tokens (JWT, HS256, short-lived), refresh tokens (random, stored hashed) and signed links
//! (a JWT of its own key that opens one resource from a browser's address bar for a few minutes).

use base64::Engine;
use chrono::Utc;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::http::error::ApiError;

/// What an access token says. The role and scope are *not* trusted from it: every request reloads
/// the user, so a deactivation or role change takes effect at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    /// The login (refresh-token family) this token belongs to.
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
}

/// What a signed link says: who asked for it (the link acts with that user's rights, checked again
/// when it is opened), which resource it opens (path and query, exactly) and until when.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LinkClaims {
    pub sub: Uuid,
    pub sid: Uuid,
    /// The resource, e.g. `/funding/health/chart.svg?scheme=resident&months=24`.
    pub res: String,
    pub exp: i64,
}

/// How long a signed link opens its resource.
pub const LINK_TTL_SECS: i64 = 300;

/// Signing keys and lifetimes.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Links are signed with a key derived from the secret for them alone, so a link never passes
    /// as an access token nor an access token as a link.
    link_encoding: EncodingKey,
    link_decoding: DecodingKey,
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys").field("access_ttl_secs", &self.access_ttl_secs).finish_non_exhaustive()
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl_secs: u64, refresh_ttl_secs: u64) -> Self {
        let link_key = Sha256::new().chain_update(b"ltci signed link\0").chain_update(secret).finalize();
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            link_encoding: EncodingKey::from_secret(&link_key),
            link_decoding: DecodingKey::from_secret(&link_key),
            access_ttl_secs,
            refresh_ttl_secs,
        }
    }

    /// A signed access token for `user_id` in login `family_id`.
    pub fn issue_access(&self, user_id: Uuid, family_id: Uuid) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let ttl = i64::try_from(self.access_ttl_secs).unwrap_or(i64::MAX / 2);
        let claims = Claims { sub: user_id, sid: family_id, iat: now, exp: now + ttl };
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    /// Verifies signature and expiry (no leeway: a token is dead the second it expires).
    pub fn verify_access(&self, token: &str) -> Result<Claims, ApiError> {
        decode(token, &self.decoding, m::access_token_expired(), m::access_token_invalid())
    }
}

impl TokenKeys {
    /// A link opening `resource` as `user_id` (login `family_id`) for [`LINK_TTL_SECS`].
    pub fn issue_link(&self, user_id: Uuid, family_id: Uuid, resource: &str) -> anyhow::Result<(String, i64)> {
        let exp = Utc::now().timestamp() + LINK_TTL_SECS;
        let claims = LinkClaims { sub: user_id, sid: family_id, res: resource.to_owned(), exp };
        Ok((jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.link_encoding)?, exp))
    }

    /// Verifies a link's signature and expiry and that it was issued for `resource`.
    pub fn verify_link(&self, link: &str, resource: &str) -> Result<LinkClaims, ApiError> {
        let claims: LinkClaims = decode(link, &self.link_decoding, m::link_expired(), m::link_invalid())?;
        if claims.res == resource {
            Ok(claims)
        } else {
            Err(ApiError::unauthorized(codes::INVALID_TOKEN, m::link_for_another_resource()))
        }
    }
}

/// Decodes an HS256 JWT with `exp` and `sub` required and no leeway: `401 token_expired` with
/// `expired`, `401 invalid_token` with `invalid` otherwise.
fn decode<T: serde::de::DeserializeOwned>(
    jwt: &str,
    key: &DecodingKey,
    expired: Text,
    invalid: Text,
) -> Result<T, ApiError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "sub"]);
    jsonwebtoken::decode::<T>(jwt, key, &validation).map(|data| data.claims).map_err(|e| match e.kind() {
        ErrorKind::ExpiredSignature => ApiError::unauthorized(codes::TOKEN_EXPIRED, expired),
        _ => ApiError::unauthorized(codes::INVALID_TOKEN, invalid),
    })
}

/// 32 random bytes, base64url: refresh tokens and generated secrets.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a refresh token: its SHA-256, hex. A database leak yields no usable token.
pub fn hash_refresh_token(token: &str) -> String {
    crate::digest::sha256_hex(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_foreign_ones_do_not() {
        let keys = TokenKeys::new(&[7u8; 32], 60, 600);
        let user = Uuid::new_v4();
        let token = keys.issue_access(user, Uuid::new_v4()).expect("issue");
        assert_eq!(keys.verify_access(&token).expect("valid").sub, user);

        let other = TokenKeys::new(&[8u8; 32], 60, 600);
        assert_eq!(other.verify_access(&token).expect_err("foreign").code(), codes::INVALID_TOKEN);
    }

    #[test]
    fn an_expired_token_is_reported_as_expired() {
        let keys = TokenKeys::new(&[7u8; 32], 60, 600);
        let now = Utc::now().timestamp();
        let claims = Claims { sub: Uuid::new_v4(), sid: Uuid::new_v4(), iat: now - 120, exp: now - 1 };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).expect("encode");
        assert_eq!(keys.verify_access(&token).expect_err("expired").code(), codes::TOKEN_EXPIRED);
    }

    #[test]
    fn links_open_their_resource_only_and_are_not_access_tokens() {
        let keys = TokenKeys::new(&[7u8; 32], 60, 600);
        let user = Uuid::new_v4();
        let (link, exp) = keys.issue_link(user, Uuid::new_v4(), "/chart?months=6").expect("issue");
        assert!(exp > Utc::now().timestamp() && exp <= Utc::now().timestamp() + LINK_TTL_SECS);
        assert_eq!(keys.verify_link(&link, "/chart?months=6").expect("valid").sub, user);
        assert_eq!(keys.verify_link(&link, "/chart?months=60").expect_err("other").code(), codes::INVALID_TOKEN);
        assert_eq!(keys.verify_access(&link).expect_err("not access").code(), codes::INVALID_TOKEN);
        let access = keys.issue_access(user, Uuid::new_v4()).expect("access");
        assert_eq!(keys.verify_link(&access, "/chart?months=6").expect_err("not a link").code(), codes::INVALID_TOKEN);

        let stale =
            LinkClaims { sub: user, sid: Uuid::new_v4(), res: "/chart".into(), exp: Utc::now().timestamp() - 1 };
        let stale = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &stale, &keys.link_encoding).expect("encode");
        assert_eq!(keys.verify_link(&stale, "/chart").expect_err("expired").code(), codes::TOKEN_EXPIRED);
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = random_token();
        assert_ne!(a, random_token());
        assert_eq!(hash_refresh_token(&a).len(), 64);
        assert_ne!(hash_refresh_token(&a), a);
    }
}
