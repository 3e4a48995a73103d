//! A SIPREC INVITE's body read into what the receiver needs: the streams (SDP), the metadata,
//! and the SIP status to refuse with when it cannot be taken.

use crate::metadata::{self, Metadata, MetadataError};
use crate::multipart::{self, MultipartError};
use crate::sdp::{self, Sdp, SdpError};

/// A recording offer.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    /// The streams.
    pub sdp: Sdp,
    /// The metadata, when sent (it may also come later, in a re-INVITE or UPDATE).
    pub metadata: Option<Metadata>,
    /// Content types of parts we do not use (Cisco's `application/gtd`, …).
    pub other_parts: Vec<String>,
}

/// Why an offer is refused, each with its SIP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    /// Neither `Require: siprec` nor recording metadata: not a recording session.
    #[error("not a SIPREC recording session (no siprec option tag, no rs-metadata)")]
    NotSiprec,
    /// The body cannot be split.
    #[error(transparent)]
    Multipart(#[from] MultipartError),
    /// No SDP part.
    #[error("no SDP in the offer")]
    NoSdp,
    /// The SDP cannot be read.
    #[error(transparent)]
    Sdp(#[from] SdpError),
    /// The metadata cannot be read.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
}

impl OfferError {
    /// The SIP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            OfferError::NotSiprec => 421,
            OfferError::Multipart(MultipartError::TooLarge(_))
            | OfferError::Sdp(SdpError::TooLarge(_))
            | OfferError::Metadata(MetadataError::TooLarge(_)) => 413,
            OfferError::NoSdp => 488,
            _ => 400,
        }
    }
}

fn is_sdp(p: &multipart::Part) -> bool {
    p.content_type.as_deref() == Some("application/sdp")
        || (p.content_type.is_none() && p.body.trim_start().starts_with("v=0"))
}

fn is_metadata(p: &multipart::Part) -> bool {
    p.content_type
        .as_deref()
        .is_some_and(|t| t.contains("rs-metadata"))
        || p.disposition.as_deref() == Some("recording-session")
}

/// Reads an INVITE (or re-INVITE/UPDATE) body sent with `content_type`; `siprec` is whether
/// the request said it is a recording session (`Require: siprec` or `+sip.src` in Contact).
pub fn parse(body: &[u8], content_type: Option<&str>, siprec: bool) -> Result<Offer, OfferError> {
    let parts = multipart::split(body, content_type)?;
    let metadata_part = parts.iter().find(|p| is_metadata(p));
    if metadata_part.is_none() && !siprec {
        return Err(OfferError::NotSiprec);
    }
    let sdp_part = parts
        .iter()
        .find(|p| is_sdp(p) && !is_metadata(p))
        .ok_or(OfferError::NoSdp)?;
    let sdp = sdp::parse(&sdp_part.body)?;
    let metadata = metadata_part
        .map(|p| metadata::parse(&p.body))
        .transpose()?;
    let other_parts = parts
        .iter()
        .filter(|p| !is_metadata(p) && !std::ptr::eq(*p, sdp_part))
        .map(|p| p.content_type.clone().unwrap_or_default())
        .collect();
    Ok(Offer {
        sdp,
        metadata,
        other_parts,
    })
}
