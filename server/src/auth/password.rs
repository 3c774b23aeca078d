//! Password hashing with argon2id, off the async threads.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

/// Hashes and verifies passwords. Holds a hash of a random password so that a login for an
/// unknown user does the same work as one with a wrong password: response time does not tell
/// an attacker which usernames exist.
#[derive(Debug)]
pub struct PasswordHasher {
    dummy_hash: String,
}

impl PasswordHasher {
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self { dummy_hash: hash_blocking(&super::token::random_token())? })
    }

    /// argon2id PHC string of `password`, salted.
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_blocking(&password)).await.context("hashing task")?
    }

    /// Whether `password` matches `hash`; with `None` (no such user) it checks against the dummy
    /// hash and answers false, taking the same time.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> anyhow::Result<bool> {
        let known = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || {
            Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok()
        })
        .await
        .context("verification task")?;
        Ok(ok && known)
    }
}

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

/// Password rules: 8–128 characters, not all the same character class of digits only.
pub fn check_password_rules(password: &str) -> crate::http::error::Rule<()> {
    use ltci_shared::messages as m;
    let n = password.chars().count();
    if n < 8 {
        return Err(("too_short", m::password_too_short(8)));
    }
    if n > 128 {
        return Err(("too_long", m::password_too_long(128)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_the_right_password_only() {
        let hasher = PasswordHasher::new().expect("hasher");
        let hash = hasher.hash("correct horse").await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify("correct horse", Some(&hash)).await.expect("verify"));
        assert!(!hasher.verify("wrong horse", Some(&hash)).await.expect("verify"));
        assert!(!hasher.verify("correct horse", None).await.expect("verify"));
    }

    #[test]
    fn enforces_length_rules() {
        assert_eq!(check_password_rules("short").map_err(|e| e.0), Err("too_short"));
        assert!(check_password_rules("demo1234").is_ok());
        assert_eq!(check_password_rules(&"x".repeat(129)).map_err(|e| e.0), Err("too_long"));
    }
}
