//! Earshot's SIPREC receiver (a small Session Recording Server, RFC 7866): it joins the contact
//! center's recording fork and turns each recorded call into the streaming engine's input.
//!
//! - The offer side, our own and lenient because recorders differ: [`multipart`] splits the
//!   INVITE body, [`sdp`] reads the offer and writes the `recvonly` answer, [`metadata`] reads
//!   RFC 7865 metadata in every vendor dialect we have seen, [`roles`] decides caller and agent,
//!   and [`offer`] puts them together with the SIP status to refuse with. Every parser has size
//!   limits and returns an error, never panics.
//! - [`rtp`]: packets, the jitter buffer, G.711 and keypad (RFC 4733) events; [`decode`]: each
//!   codec we take (PCMU, PCMA, G.722, Opus) to PCM, with loss concealment.
//! - [`server`]: the SIP UAS over UDP and TCP and the RTP receivers, handing over each call as a
//!   [`server::RecordedCall`].

pub mod decode;
pub mod metadata;
pub mod multipart;
pub mod offer;
pub mod roles;
pub mod rtp;
pub mod sdp;
pub mod server;
pub mod srtp;
