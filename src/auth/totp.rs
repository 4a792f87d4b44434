//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps,
//! six digits, one step of clock drift either way. Also base32 (RFC 4648) for the secret as
//! authenticator apps take it, and recovery codes.

use hmac::{Hmac, Mac};
use rand::RngExt;
use sha1::Sha1;
use sha2::{Digest, Sha256};

pub const STEP_SECONDS: u64 = 30;
const DIGITS: u32 = 6;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A fresh 160-bit secret, base32-encoded (32 characters).
pub fn generate_secret() -> String {
    let bytes: [u8; 20] = rand::rng().random();
    base32_encode(&bytes)
}

pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let symbols = (chunk.len() * 8).div_ceil(5);
        for i in 0..symbols {
            out.push(BASE32[((bits >> (35 - i * 5)) & 31) as usize] as char);
        }
    }
    out
}

pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    for c in text.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let value = BASE32.iter().position(|b| *b == c.to_ascii_uppercase())? as u64;
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}

/// The HOTP code of `secret` for `counter`.
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else { return 0 };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let value = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    value % 10u32.pow(DIGITS)
}

/// The time step of a Unix time.
pub fn step_at(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// The six-digit code of a base32 secret at a Unix time (what an authenticator shows).
pub fn code_at(secret_base32: &str, unix_seconds: u64) -> Option<String> {
    let secret = base32_decode(secret_base32)?;
    Some(format!("{:06}", hotp(&secret, step_at(unix_seconds))))
}

/// The step at which `code` is valid (now, or one step either side), if any and if later than
/// the last step already used: each code is good once.
pub fn verify(secret_base32: &str, code: &str, unix_seconds: u64, last_used_step: Option<u64>) -> Option<u64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secret = base32_decode(secret_base32)?;
    let now = step_at(unix_seconds);
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .filter(|step| last_used_step.is_none_or(|last| *step > last))
        .find(|step| crate::auth::session::tokens_equal(&format!("{:06}", hotp(&secret, *step)), code))
}

/// The `otpauth://` URI authenticator apps import (as text or a QR code of it).
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20");
    format!(
        "otpauth://totp/{}:{}?secret={secret_base32}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// Ten recovery codes like `k7m2p-x9q4r`: shown once, stored as hashes.
pub fn generate_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..10)
        .map(|_| {
            let mut pick = || ALPHABET[rng.random_range(0..ALPHABET.len())] as char;
            let left: String = (0..5).map(|_| pick()).collect();
            let right: String = (0..5).map(|_| pick()).collect();
            format!("{left}-{right}")
        })
        .collect()
}

pub fn hash_recovery_code(code: &str) -> [u8; 32] {
    Sha256::digest(code.trim().to_ascii_lowercase().as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, secret "12345678901234567890"; six digits of its 8-digit codes.
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in
            [(59u64, 287082u32), (1111111109, 81804), (1111111111, 50471), (1234567890, 5924), (2000000000, 279037)]
        {
            assert_eq!(hotp(secret, step_at(time)), code, "t = {time}");
        }
    }

    /// RFC 4226 appendix D.
    #[test]
    fn rfc_4226_test_vectors() {
        let secret = b"12345678901234567890";
        let expected = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
        for (counter, code) in expected.into_iter().enumerate() {
            assert_eq!(hotp(secret, counter as u64), code);
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI").unwrap(), b"foobar");
        let secret = generate_secret();
        assert_eq!(secret.len(), 32);
        assert_eq!(base32_encode(&base32_decode(&secret).unwrap()), secret);
        assert_eq!(base32_decode("1NVALID"), None);
    }

    #[test]
    fn codes_are_accepted_once_within_one_step_of_drift() {
        let secret = generate_secret();
        let t = 1_800_000_000;
        let code = code_at(&secret, t).unwrap();
        let step = step_at(t);
        assert_eq!(verify(&secret, &code, t, None), Some(step));
        assert_eq!(verify(&secret, &code, t + STEP_SECONDS, None), Some(step), "one step late is fine");
        assert_eq!(verify(&secret, &code, t + 3 * STEP_SECONDS, None), None, "three steps late is not");
        assert_eq!(verify(&secret, &code, t, Some(step)), None, "a used code is refused");
        assert_eq!(verify(&secret, "12345", t, None), None);
        assert_eq!(verify(&secret, "abcdef", t, None), None);
    }

    #[test]
    fn the_uri_names_issuer_and_account() {
        let uri = otpauth_uri("工伤预防管理平台", "demo_sysadmin", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
        assert!(uri.starts_with("otpauth://totp/%E5%B7%A5"));
        assert!(uri.contains(":demo_sysadmin?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=%E5"));
        assert!(uri.ends_with("&algorithm=SHA1&digits=6&period=30"));
    }

    #[test]
    fn recovery_codes_are_distinct_and_hash_case_blind() {
        let codes = generate_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), 10);
        assert_eq!(hash_recovery_code(&codes[0]), hash_recovery_code(&codes[0].to_uppercase()));
    }
}
