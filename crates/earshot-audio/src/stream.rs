//! Utterance boundaries in a live stream, frame by frame.
//!
//! whisper.cpp segments a whole buffer at once; a live call needs to know *as audio arrives* when
//! someone starts and stops speaking. [`SpeechTracker`] is the state machine of Silero's own
//! streaming iterator (a speech threshold, a lower release threshold, a minimum silence that ends
//! an utterance, a minimum speech that starts one) over the per-frame probabilities that
//! `VoiceActivityDetector::frame_probabilities` gives. It holds no model, so it is
//! tested on its own. Written here because no maintained crate offers a streaming segmenter over
//! whisper.cpp's VAD (the streaming Silero crates bring their own ONNX runtime versions).

use crate::{SpeechSegment, VadOptions, SAMPLE_RATE, VAD_FRAME};

/// A change in a live speaker's speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeechEvent {
    /// Speech began at this sample (padding included) and has lasted the minimum speech time.
    Started {
        /// First sample of the utterance.
        start: usize,
    },
    /// The utterance is over: silence lasted the minimum silence time, or it reached the maximum
    /// length (then a new one starts where it was cut).
    Ended(SpeechSegment),
}

/// Streaming speech segmentation over Silero frame probabilities.
#[derive(Debug, Clone)]
pub struct SpeechTracker {
    options: VadOptions,
    /// First sample of the next frame.
    position: usize,
    /// Sample where the current speech began (before padding), when in speech.
    speech_from: Option<usize>,
    /// Whether `Started` has been reported for the current speech.
    reported: bool,
    /// Where the silence now under way began, when in speech.
    silence_from: Option<usize>,
    /// The start of the last pause inside the current speech: where to cut at the maximum length.
    last_pause: Option<usize>,
    /// End of the last utterance reported, so that padding never overlaps it.
    last_end: usize,
}

fn ms(ms: u32) -> usize {
    ms as usize * SAMPLE_RATE as usize / 1000
}

impl SpeechTracker {
    /// A tracker at the start of a stream.
    pub fn new(options: VadOptions) -> Self {
        SpeechTracker {
            options,
            position: 0,
            speech_from: None,
            reported: false,
            silence_from: None,
            last_pause: None,
            last_end: 0,
        }
    }

    /// First sample of the next frame the tracker expects.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Start of the utterance in progress (padding included), once it has been reported.
    pub fn open(&self) -> Option<usize> {
        match (self.speech_from, self.reported) {
            (Some(from), true) => Some(self.padded_start(from)),
            _ => None,
        }
    }

    fn padded_start(&self, from: usize) -> usize {
        from.saturating_sub(ms(self.options.pad_ms))
            .max(self.last_end)
    }

    /// Takes the probability of the next frame; returns what changed.
    pub fn push(&mut self, probability: f32) -> Vec<SpeechEvent> {
        let o = self.options;
        let frame_start = self.position;
        let frame_end = frame_start + VAD_FRAME;
        self.position = frame_end;
        let release = (o.threshold - 0.15).max(0.01);
        let mut events = Vec::new();
        match self.speech_from {
            None => {
                if probability >= o.threshold {
                    self.speech_from = Some(frame_start);
                    self.silence_from = None;
                    self.last_pause = None;
                }
            }
            Some(from) => {
                if probability >= o.threshold {
                    if let Some(s) = self.silence_from.take() {
                        self.last_pause = Some(s);
                    }
                } else if probability < release {
                    let silent_since = *self.silence_from.get_or_insert(frame_start);
                    if frame_end - silent_since >= ms(o.min_silence_ms) {
                        let segment = SpeechSegment {
                            start: self.padded_start(from),
                            end: (silent_since + ms(o.pad_ms)).min(frame_end),
                        };
                        let long_enough = silent_since - from >= ms(o.min_speech_ms);
                        self.speech_from = None;
                        self.silence_from = None;
                        if long_enough {
                            self.last_end = segment.end;
                            events.push(SpeechEvent::Ended(segment));
                        }
                        self.reported = false;
                        return events;
                    }
                }
                let max = (o.max_speech_s * SAMPLE_RATE as f32) as usize;
                if frame_end - self.padded_start(from) >= max {
                    // Cut at the last pause when there was one worth the name, else here.
                    let cut = self
                        .last_pause
                        .or(self.silence_from)
                        .filter(|&p| p > from + ms(o.min_speech_ms))
                        .unwrap_or(frame_end);
                    let segment = SpeechSegment {
                        start: self.padded_start(from),
                        end: cut,
                    };
                    self.last_end = cut;
                    events.push(SpeechEvent::Ended(segment));
                    self.speech_from = Some(cut);
                    self.silence_from = None;
                    self.last_pause = None;
                    self.reported = false;
                }
            }
        }
        if let (Some(from), false) = (self.speech_from, self.reported) {
            if self.silence_from.unwrap_or(self.position) - from >= ms(o.min_speech_ms) {
                self.reported = true;
                events.push(SpeechEvent::Started {
                    start: self.padded_start(from),
                });
            }
        }
        events
    }

    /// Whether the utterance in progress has gone quiet: its last frames are silence that may yet
    /// end it (or be a pause the speaker talks on after).
    pub fn pausing(&self) -> bool {
        self.speech_from.is_some() && self.silence_from.is_some()
    }

    /// The utterance the silence now under way will end if it lasts `min_silence_ms`, once its
    /// end padding has been heard: the segment [`SpeechEvent::Ended`] will then report (unless
    /// speech resumes first, or `min_silence_ms` is shorter than `pad_ms`). A live engine can
    /// decode it while it waits to be sure.
    pub fn pending_end(&self) -> Option<SpeechSegment> {
        let o = self.options;
        let (from, silent_since) = (self.speech_from?, self.silence_from?);
        let end = silent_since + ms(o.pad_ms);
        (self.reported && self.position >= end && silent_since - from >= ms(o.min_speech_ms)).then(
            || SpeechSegment {
                start: self.padded_start(from),
                end,
            },
        )
    }

    /// The stream ended: closes the utterance in progress, if it was long enough.
    pub fn finish(&mut self) -> Option<SpeechSegment> {
        let from = self.speech_from.take()?;
        let end = self.silence_from.take().unwrap_or(self.position);
        self.reported = false;
        (end - from >= ms(self.options.min_speech_ms)).then(|| {
            let segment = SpeechSegment {
                start: self.padded_start(from),
                end: (end + ms(self.options.pad_ms)).min(self.position),
            };
            self.last_end = segment.end;
            segment
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(tracker: &mut SpeechTracker, probs: &[f32]) -> Vec<SpeechEvent> {
        probs.iter().flat_map(|&p| tracker.push(p)).collect()
    }

    /// Frames in `ms` milliseconds (32 ms each).
    fn frames(ms: usize) -> usize {
        ms * 16 / VAD_FRAME
    }

    fn probs(pattern: &[(f32, usize)]) -> Vec<f32> {
        pattern
            .iter()
            .flat_map(|&(p, ms)| std::iter::repeat_n(p, frames(ms)))
            .collect()
    }

    #[test]
    fn pausing_is_a_silence_inside_an_utterance_until_speech_resumes_or_it_ends() {
        let mut t = SpeechTracker::new(VadOptions::default());
        run(&mut t, &probs(&[(0.0, 500)]));
        assert!(!t.pausing(), "silence before any speech is no pause");
        run(&mut t, &probs(&[(0.9, 1000)]));
        assert!(!t.pausing());
        // Between the two thresholds: neither speech nor silence, nothing changes.
        run(&mut t, &[0.4]);
        assert!(!t.pausing());
        run(&mut t, &probs(&[(0.1, 100)]));
        assert!(t.pausing());
        run(&mut t, &[0.9]);
        assert!(!t.pausing(), "speech resumed");
        let events = run(&mut t, &probs(&[(0.1, 600)]));
        assert!(matches!(events[..], [SpeechEvent::Ended(_)]), "{events:?}");
        assert!(!t.pausing(), "the silence ended the utterance");
    }

    #[test]
    fn an_utterance_starts_after_the_minimum_speech_and_ends_after_the_minimum_silence() {
        let mut t = SpeechTracker::new(VadOptions::default());
        let events = run(&mut t, &probs(&[(0.0, 1000), (0.9, 2000), (0.0, 1000)]));
        assert_eq!(events.len(), 2, "{events:?}");
        let SpeechEvent::Started { start } = events[0] else {
            panic!("{events:?}")
        };
        let SpeechEvent::Ended(seg) = events[1] else {
            panic!("{events:?}")
        };
        assert_eq!(start, seg.start);
        // Speech from ~1.0 s to ~3.0 s, padded by 120 ms each side.
        assert!((13_500..=14_500).contains(&seg.start), "{seg:?}");
        assert!((49_500..=51_500).contains(&seg.end), "{seg:?}");
        assert_eq!(t.open(), None);
    }

    #[test]
    fn a_short_pause_does_not_end_an_utterance_and_a_blip_is_not_speech() {
        let mut t = SpeechTracker::new(VadOptions::default());
        let events = run(
            &mut t,
            &probs(&[(0.9, 1000), (0.0, 300), (0.9, 1000), (0.0, 700)]),
        );
        let ended: Vec<_> = events
            .iter()
            .filter(|e| matches!(e, SpeechEvent::Ended(_)))
            .collect();
        assert_eq!(ended.len(), 1, "{events:?}");
        let mut t = SpeechTracker::new(VadOptions::default());
        assert!(run(&mut t, &probs(&[(0.9, 100), (0.0, 1000)])).is_empty());
    }

    #[test]
    fn a_long_utterance_is_cut_at_its_last_pause() {
        let options = VadOptions {
            max_speech_s: 5.0,
            ..VadOptions::default()
        };
        let mut t = SpeechTracker::new(options);
        let events = run(
            &mut t,
            &probs(&[(0.9, 3000), (0.1, 300), (0.9, 3000), (0.0, 1000)]),
        );
        let segs: Vec<SpeechSegment> = events
            .iter()
            .filter_map(|e| match e {
                SpeechEvent::Ended(s) => Some(*s),
                _ => None,
            })
            .collect();
        assert_eq!(segs.len(), 2, "{events:?}");
        assert!((47_000..=48_500).contains(&segs[0].end), "{segs:?}");
        assert_eq!(segs[1].start, segs[0].end, "no gap, no overlap");
        assert!(segs.iter().all(|s| s.end - s.start <= 5 * 16_000));
    }

    #[test]
    fn a_pending_end_is_the_segment_the_silence_then_ends_and_none_when_speech_resumes() {
        let mut t = SpeechTracker::new(VadOptions::default());
        run(&mut t, &probs(&[(0.0, 1000), (0.9, 2000)]));
        assert_eq!(t.pending_end(), None, "no silence yet");
        run(&mut t, &probs(&[(0.0, 64)]));
        assert_eq!(t.pending_end(), None, "the end padding is not heard yet");
        run(&mut t, &probs(&[(0.0, 160)]));
        let pending = t.pending_end().expect("a silence past the padding");
        let events = run(&mut t, &probs(&[(0.0, 500)]));
        assert_eq!(events, vec![SpeechEvent::Ended(pending)]);
        assert_eq!(t.pending_end(), None);
        // A pause the speaker talks through: pending, then not.
        run(&mut t, &probs(&[(0.9, 1000), (0.0, 256)]));
        assert!(t.pending_end().is_some());
        run(&mut t, &probs(&[(0.9, 64)]));
        assert_eq!(t.pending_end(), None, "speech resumed");
    }

    #[test]
    fn finishing_closes_the_open_utterance() {
        let mut t = SpeechTracker::new(VadOptions::default());
        run(&mut t, &probs(&[(0.0, 500), (0.9, 1500)]));
        assert!(t.open().is_some());
        let seg = t.finish().expect("open speech");
        assert_eq!(seg.end, t.position());
        assert_eq!(t.finish(), None);
    }
}
