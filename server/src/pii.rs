//! Personal data at rest: ID numbers are stored encrypted (AES-256-GCM), with a keyed blind index
//! (HMAC-SHA256) for uniqueness and exact search, and their masked form for display.
//!
//! Both keys derive from one data key (`LTCI_DATA_KEY`). Lose the key and the stored ID numbers
//! are lost with it: back it up apart from the database. Ciphertexts carry a version prefix
//! (`v1:`) so the key can be rotated later by re-encrypting.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::Context;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const PREFIX: &str = "v1:";
/// Purpose of ID-number ciphertexts (their associated data).
const ID_NUMBER: &str = "id_number";

/// Encrypts, decrypts and indexes ID numbers.
pub struct PiiCipher {
    aead: Aes256Gcm,
    index_key: [u8; 32],
}

impl std::fmt::Debug for PiiCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PiiCipher")
    }
}

fn derive(master: &[u8], label: &str) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(master).expect("HMAC takes keys of any length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

impl PiiCipher {
    /// From the data key (at least 32 bytes of secret material).
    pub fn new(data_key: &[u8]) -> anyhow::Result<Self> {
        anyhow::ensure!(data_key.len() >= 32, "the data key must be at least 32 bytes");
        let enc_key = derive(data_key, "ltci id-number encryption v1");
        let aead = Aes256Gcm::new_from_slice(&enc_key).map_err(|_| anyhow::anyhow!("bad AES key length"))?;
        Ok(Self { aead, index_key: derive(data_key, "ltci id-number index v1") })
    }

    /// Encrypts an ID number.
    pub fn encrypt(&self, plaintext: &str) -> anyhow::Result<String> {
        self.seal(ID_NUMBER, plaintext)
    }

    /// Decrypts an ID number.
    pub fn decrypt(&self, stored: &str) -> anyhow::Result<String> {
        self.open(ID_NUMBER, stored)
    }

    /// Encrypts personal or health data for one `purpose` (bound in as associated data, so a
    /// ciphertext cannot be passed off as another field's): `v1:` + base64url(nonce ‖ ciphertext
    /// ‖ tag), with a fresh random nonce.
    pub fn seal(&self, purpose: &str, plaintext: &str) -> anyhow::Result<String> {
        let aad = format!("ltci:{purpose}");
        let mut nonce_bytes = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce_bytes);
        let nonce = Nonce::try_from(&nonce_bytes[..]).map_err(|_| anyhow::anyhow!("nonce length"))?;
        let ct = self
            .aead
            .encrypt(&nonce, Payload { msg: plaintext.as_bytes(), aad: aad.as_bytes() })
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ct);
        Ok(format!("{PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)))
    }

    /// The plaintext of [`PiiCipher::seal`]'s output for the same purpose; fails on tampering, a
    /// wrong key or another purpose.
    pub fn open(&self, purpose: &str, stored: &str) -> anyhow::Result<String> {
        let aad = format!("ltci:{purpose}");
        let body = stored.strip_prefix(PREFIX).context("unknown ciphertext version")?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(body).context("ciphertext encoding")?;
        anyhow::ensure!(bytes.len() > 12, "ciphertext too short");
        let (nonce_bytes, ct) = bytes.split_at(12);
        let nonce = Nonce::try_from(nonce_bytes).map_err(|_| anyhow::anyhow!("nonce length"))?;
        let pt = self
            .aead
            .decrypt(&nonce, Payload { msg: ct, aad: aad.as_bytes() })
            .map_err(|_| anyhow::anyhow!("decryption failed: wrong data key or tampered ciphertext"))?;
        String::from_utf8(pt).context("plaintext is not UTF-8")
    }

    /// The blind index: equal numbers give equal values, and without the key the value says
    /// nothing about the number (a plain hash of an 18-digit ID could be brute-forced).
    pub fn index(&self, plaintext: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.index_key).expect("HMAC takes keys of any length");
        mac.update(plaintext.as_bytes());
        crate::digest::hex(&mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_fresh_nonces_and_rejects_other_keys() {
        let c = PiiCipher::new(&[1u8; 32]).expect("cipher");
        let a = c.encrypt("11010519491231002X").expect("encrypt");
        let b = c.encrypt("11010519491231002X").expect("encrypt");
        assert_ne!(a, b, "the same number encrypts differently each time");
        assert!(!a.contains("19491231"));
        assert_eq!(c.decrypt(&a).expect("decrypt"), "11010519491231002X");
        let other = PiiCipher::new(&[2u8; 32]).expect("cipher");
        assert!(other.decrypt(&a).is_err());
    }

    #[test]
    fn the_index_is_stable_keyed_and_opaque() {
        let c = PiiCipher::new(&[1u8; 32]).expect("cipher");
        let other = PiiCipher::new(&[2u8; 32]).expect("cipher");
        assert_eq!(c.index("11010519491231002X"), c.index("11010519491231002X"));
        assert_ne!(c.index("11010519491231002X"), other.index("11010519491231002X"));
        assert_eq!(c.index("x").len(), 64);
    }

    #[test]
    fn a_ciphertext_only_opens_for_its_purpose() {
        let c = PiiCipher::new(&[1u8; 32]).expect("cipher");
        let sealed = c.seal("assessment_answers", "{}").expect("seal");
        assert_eq!(c.open("assessment_answers", &sealed).expect("open"), "{}");
        assert!(c.open("id_number", &sealed).is_err());
    }

    #[test]
    fn tampering_is_detected() {
        let c = PiiCipher::new(&[1u8; 32]).expect("cipher");
        let mut s = c.encrypt("11010519491231002X").expect("encrypt");
        let last = s.pop().expect("char");
        s.push(if last == 'A' { 'B' } else { 'A' });
        assert!(c.decrypt(&s).is_err());
    }
}
