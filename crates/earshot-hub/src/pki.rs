//! The hub's private CA: it signs the hub's server certificate and each enrolled device's
//! client certificate. Devices and the hub trust this CA only (pinning both ways).

use crate::HubError;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DistinguishedName,
    DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SerialNumber,
};
use sha2::{Digest, Sha256};

/// How long a device certificate is valid.
pub const DEVICE_CERT_DAYS: i64 = 365;

fn pki(e: rcgen::Error) -> HubError {
    HubError::Pki(e.to_string())
}

fn validity(params: &mut CertificateParams, days: i64) {
    let now = time_now();
    params.not_before = now - std::time::Duration::from_secs(300);
    params.not_after = now + time::Duration::days(days);
}

fn time_now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

fn random_serial() -> SerialNumber {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] &= 0x7f; // a positive INTEGER
    SerialNumber::from_slice(&bytes)
}

/// A CA certificate and its private key, both PEM.
#[derive(Clone)]
pub struct Ca {
    /// The certificate (what workstations pin as `hub_ca`).
    pub cert_pem: String,
    /// The private key (PKCS#8). Keep it 0600 on the hub.
    pub key_pem: String,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca").field("key_pem", &"<private>").finish()
    }
}

/// A certificate and key pair for a TLS endpoint, both PEM.
#[derive(Clone)]
pub struct Leaf {
    /// The certificate.
    pub cert_pem: String,
    /// The private key (PKCS#8).
    pub key_pem: String,
}

impl Ca {
    /// Makes a new CA named `name`, valid for ten years.
    pub fn create(name: &str) -> Result<Ca, HubError> {
        let key = KeyPair::generate().map_err(pki)?;
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, name);
        dn.push(DnType::OrganizationName, "Earshot hub");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.serial_number = Some(random_serial());
        validity(&mut params, 3650);
        let cert = params.self_signed(&key).map_err(pki)?;
        Ok(Ca {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    fn issuer(&self) -> Result<Issuer<'static, KeyPair>, HubError> {
        let key = KeyPair::from_pem(&self.key_pem).map_err(pki)?;
        Issuer::from_ca_cert_pem(&self.cert_pem, key).map_err(pki)
    }

    /// Issues the hub's server certificate for `names` (DNS names or IP addresses).
    pub fn server_cert(&self, names: &[String]) -> Result<Leaf, HubError> {
        let key = KeyPair::generate().map_err(pki)?;
        let mut params = CertificateParams::new(names.to_vec()).map_err(pki)?;
        params.distinguished_name.push(
            DnType::CommonName,
            names.first().map(String::as_str).unwrap_or("hub"),
        );
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.serial_number = Some(random_serial());
        validity(&mut params, 825);
        let cert = params.signed_by(&key, &self.issuer()?).map_err(pki)?;
        Ok(Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// Issues a client certificate for device `device_id` to the public key of `csr_pem` (the
    /// request's own subject and extensions are ignored: the hub decides what it signs).
    pub fn issue_device(
        &self,
        csr_pem: &str,
        device_id: &str,
        days: i64,
    ) -> Result<String, HubError> {
        let csr = CertificateSigningRequestParams::from_pem(csr_pem).map_err(|e| {
            HubError::BadRequest(format!("the certificate request is not valid: {e}"))
        })?;
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, device_id);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Earshot device");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.serial_number = Some(random_serial());
        validity(&mut params, days);
        let cert = params
            .signed_by(&csr.public_key, &self.issuer()?)
            .map_err(pki)?;
        Ok(cert.pem())
    }
}

/// A device's key pair and certificate request, made on the device.
pub struct DeviceKey {
    /// The private key (PKCS#8 PEM): never leaves the device.
    pub key_pem: String,
    /// The certificate request sent at enrollment.
    pub csr_pem: String,
}

/// Makes a device key pair (ECDSA P-256) and a certificate request for it.
pub fn device_key(hostname: &str) -> Result<DeviceKey, HubError> {
    let key = KeyPair::generate().map_err(pki)?;
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, hostname);
    let csr = params.serialize_request(&key).map_err(pki)?;
    Ok(DeviceKey {
        key_pem: key.serialize_pem(),
        csr_pem: csr.pem().map_err(pki)?,
    })
}

/// The SHA-256 of a certificate's DER, hex: how the hub names a device's certificate.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

/// The DER certificates in a PEM text.
pub fn certs_from_pem(
    pem: &str,
) -> Result<Vec<rustls_pki_types::CertificateDer<'static>>, HubError> {
    use rustls_pki_types::pem::PemObject;
    rustls_pki_types::CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| HubError::Pki(format!("not a PEM certificate: {e}")))
}

/// The private key in a PEM text.
pub fn key_from_pem(pem: &str) -> Result<rustls_pki_types::PrivateKeyDer<'static>, HubError> {
    use rustls_pki_types::pem::PemObject;
    rustls_pki_types::PrivateKeyDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| HubError::Pki(format!("not a PEM private key: {e}")))
}
