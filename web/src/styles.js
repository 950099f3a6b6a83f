// The widget's styles, kept inside its shadow root so the landlord's page and the widget cannot
// restyle each other. Sizes are in em from `font-size: medium` (the reader's own default text
// size, whatever the host page does with rem), so text zoom and browser text size both work.
// Colours meet WCAG 2.2 AA: text at least 4.5:1, borders and focus indicators at least 3:1.
export const CSS = `
:host { all: initial; }
.ic {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: medium;
  line-height: 1.45;
  color: #0b0c0c;
}
.ic *, .ic *::before, .ic *::after { box-sizing: border-box; }
.ic-sr {
  position: absolute !important; width: 1px !important; height: 1px !important;
  margin: -1px !important; padding: 0 !important; overflow: hidden !important;
  clip: rect(0 0 0 0) !important; clip-path: inset(50%) !important;
  white-space: nowrap !important; border: 0 !important;
}
:where(.ic) button, :where(.ic) textarea { font: inherit; color: inherit; }
:where(.ic) button { cursor: pointer; }

/* Focus: GOV.UK style, yellow with a black edge, visible on white and on the dark header. */
.ic button:focus-visible, .ic a:focus-visible {
  outline: 3px solid transparent;
  background-color: #ffdd00 !important;
  color: #0b0c0c !important;
  box-shadow: 0 0 0 3px #ffdd00, 0 0 0 6px #0b0c0c;
  text-decoration: none;
}
.ic-log:focus-visible {
  outline: 3px solid #0b0c0c;
  outline-offset: -3px;
  box-shadow: inset 0 0 0 6px #ffdd00;
}
.ic textarea:focus-visible {
  outline: 3px solid #ffdd00;
  outline-offset: 0;
  box-shadow: inset 0 0 0 2px #0b0c0c;
}

.ic-launcher {
  position: fixed; right: 1em; bottom: 1em; z-index: 2147483000;
  display: inline-flex; align-items: center; gap: 0.5em;
  min-height: 3em; padding: 0.6em 1.1em;
  border: 2px solid #ffffff; border-radius: 1.5em;
  background: #1d4f91; color: #ffffff;
  font-weight: 600;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.35);
}
.ic-launcher:hover { background: #163d70; }
.ic-launcher svg { width: 1.3em; height: 1.3em; flex: none; }

.ic-panel {
  position: fixed; right: 1em; bottom: 1em; z-index: 2147483001;
  display: flex; flex-direction: column;
  width: min(26em, calc(100vw - 2em));
  height: min(38em, calc(100vh - 2em));
  background: #ffffff;
  border: 1px solid #505a5f; border-radius: 0.6em;
  box-shadow: 0 4px 24px rgba(0, 0, 0, 0.3);
  overflow: hidden;
}
.ic-panel[hidden], .ic-launcher[hidden], .ic [hidden] { display: none !important; }

.ic-header {
  display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em;
  padding: 0.5em 0.5em 0.5em 1em;
  background: #1d4f91; color: #ffffff;
}
.ic-title { flex: 1 1 auto; margin: 0; font-size: 1.1em; font-weight: 700; line-height: 1.3; }
.ic-actions { display: flex; flex-wrap: wrap; justify-content: flex-end; gap: inherit; margin-left: auto; }
.ic-header button {
  min-height: 2.75em; min-width: 2.75em; padding: 0.3em 0.7em;
  border: 2px solid #ffffff; border-radius: 0.3em;
  background: transparent; color: #ffffff;
  white-space: nowrap;
}
.ic-header button:hover { background: #163d70; }

/* The case reference, pinned under the header. */
.ic-ref {
  display: flex; flex-wrap: wrap; align-items: center; gap: 0.25em 0.75em;
  padding: 0.35em 0.5em 0.35em 1em;
  background: #eef3fa; color: #0b0c0c;
  border-bottom: 2px solid #1d4f91;
}
.ic-ref-text { flex: 1 1 auto; margin: 0; font-weight: 600; }
.ic-ref-code {
  font-family: ui-monospace, Consolas, "Liberation Mono", monospace; font-size: 1.05em;
  letter-spacing: 0.05em; white-space: nowrap; user-select: all;
}
.ic-ref-copy {
  min-height: 2.25em; padding: 0.2em 0.8em;
  border: 2px solid #1d4f91; border-radius: 0.3em;
  background: #ffffff; color: #1d4f91; font-weight: 600;
}
.ic-ref-copy:hover { background: #e8f0fa; }
.ic-ref-status { font-weight: 600; }
.ic-ref-status:empty { display: none; }

/* "End this chat?": over the panel, whose other parts are inert meanwhile. */
.ic-confirm {
  position: absolute; inset: 0; z-index: 1;
  display: flex; align-items: center; justify-content: center;
  padding: 1em;
  background: rgba(11, 12, 12, 0.6);
}
.ic-confirm-box {
  width: 100%; max-width: 22em; max-height: 100%; overflow-y: auto;
  padding: 1em 1.1em;
  background: #ffffff; color: #0b0c0c;
  border: 2px solid #0b0c0c; border-radius: 0.5em;
  box-shadow: 0 4px 16px rgba(0, 0, 0, 0.4);
}
.ic-confirm-title { margin: 0 0 0.4em; font-size: 1.15em; line-height: 1.3; }
.ic-confirm-text { margin: 0 0 1em; }
.ic-confirm-actions { display: flex; flex-wrap: wrap; gap: 0.6em; }
.ic-confirm-actions button {
  min-height: 2.75em; padding: 0.4em 1.1em;
  border: 2px solid #1d4f91; border-radius: 0.3em; font-weight: 700;
}
.ic-confirm-actions .ic-confirm-end { background: #a4131f; border-color: #a4131f; color: #ffffff; }
.ic-confirm-actions .ic-confirm-end:hover { background: #7d0e17; border-color: #7d0e17; }
.ic-confirm-actions .ic-confirm-keep { background: #ffffff; color: #1d4f91; }
.ic-confirm-actions .ic-confirm-keep:hover { background: #e8f0fa; }

.ic-conn {
  margin: 0; padding: 0.5em 1em;
  background: #fff4d6; color: #0b0c0c;
  border-bottom: 2px solid #b35c00;
  font-weight: 600;
}
.ic-conn:empty { padding: 0; border: 0; }
.ic-conn.ic-ok { background: #e8f5e9; border-bottom-color: #00703c; }

.ic-log {
  /* relative: the screen-reader-only text in messages (position: absolute) is placed in the log,
     not in the panel, where it would make the panel scrollable into emptiness */
  position: relative;
  flex: 1; overflow-y: auto; overscroll-behavior: contain;
  padding: 1em; margin: 0;
  display: flex; flex-direction: column; gap: 0.6em;
}
.ic-msg {
  max-width: 85%;
  padding: 0.55em 0.85em;
  border-radius: 0.9em;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.ic-bot { align-self: flex-start; background: #f3f2f1; color: #0b0c0c; border: 1px solid #b1b4b6; border-bottom-left-radius: 0.2em; }
.ic-user { align-self: flex-end; background: #1d4f91; color: #ffffff; border-bottom-right-radius: 0.2em; }
.ic-pending { opacity: 0.85; font-style: italic; }
.ic-bot a { color: #1d4f91; text-decoration: underline; }
.ic-note { align-self: center; color: #505a5f; font-size: 0.9em; text-align: center; }

.ic-choices { display: flex; flex-wrap: wrap; gap: 0.5em; align-self: flex-start; max-width: 100%; }
.ic-choice {
  min-height: 2.75em; padding: 0.45em 0.9em;
  border: 2px solid #1d4f91; border-radius: 1.4em;
  background: #ffffff; color: #1d4f91; font-weight: 600; text-align: left;
}
.ic-choice:hover { background: #e8f0fa; }

.ic-typing { display: flex; align-items: center; gap: 0.5em; min-height: 1.6em; padding: 0 1em 0.3em; color: #505a5f; }
.ic-dots { display: inline-flex; gap: 0.25em; }
.ic-dots span { width: 0.45em; height: 0.45em; border-radius: 50%; background: #505a5f; animation: ic-blink 1.2s infinite ease-in-out; }
.ic-dots span:nth-child(2) { animation-delay: 0.2s; }
.ic-dots span:nth-child(3) { animation-delay: 0.4s; }
@keyframes ic-blink { 0%, 80%, 100% { opacity: 0.25; } 40% { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .ic-dots span { animation: none; opacity: 0.7; } }

.ic-form { display: flex; flex-direction: column; gap: 0.3em; padding: 0.6em 1em 1em; border-top: 1px solid #b1b4b6; }
.ic-form label { font-weight: 600; }
.ic-hint { margin: 0; color: #505a5f; font-size: 0.9em; }
/* Wraps when the text is large or the screen narrow: the message box keeps a readable width. */
.ic-row { display: flex; flex-wrap: wrap; gap: 0.5em; align-items: flex-end; }
.ic-input {
  flex: 1 1 9em; min-width: 0; min-height: 2.75em; max-height: 8em; resize: vertical;
  padding: 0.5em 0.6em;
  border: 2px solid #0b0c0c; border-radius: 0.2em;
  background: #ffffff;
}
.ic-send {
  min-height: 2.75em; padding: 0.4em 1.1em;
  border: 2px solid #1d4f91; border-radius: 0.3em;
  background: #1d4f91; color: #ffffff; font-weight: 700;
}
.ic-send:hover { background: #163d70; }
.ic-attach {
  min-height: 2.75em; padding: 0.4em 0.8em;
  border: 2px solid #1d4f91; border-radius: 0.3em;
  background: #ffffff; color: #1d4f91; font-weight: 700;
}
.ic-attach:hover { background: #e8f0fa; }
.ic-file { display: none; }
.ic-panel.ic-dragging .ic-log { outline: 3px dashed #1d4f91; outline-offset: -6px; }
.ic-figure { margin: 0.3em 0 0; }
.ic-figure img { display: block; max-width: 100%; max-height: 14em; border-radius: 0.4em; background: #ffffff; }
.ic-upload { display: flex; align-items: center; gap: 0.5em; margin-top: 0.3em; font-size: 0.9em; }
.ic-upload progress { flex: 1; min-width: 4em; accent-color: #ffffff; }

/* Phones: the chat takes the whole screen. When the screen is too short for the conversation to
   stay readable (a small window, zoom, large text), the conversation keeps about five lines and
   the panel scrolls, so nothing is cut off. */
@media (max-width: 30em), (max-height: 30em) {
  .ic-panel { inset: 0; width: 100%; height: 100%; max-height: 100dvh; border: 0; border-radius: 0; overflow-y: auto; }
  .ic-log { min-height: 8em; }
  .ic-msg { max-width: 92%; }
  /* Compact header, reference bar and message box: the conversation gets most of the screen,
     also with the on-screen keyboard up (the panel then fits above it, see fitToViewport). */
  .ic-header { gap: 0.35em; padding: 0.25em 0.25em 0.25em 0.75em; }
  .ic-title { font-size: 1em; }
  .ic-header button { min-height: 2.5em; padding: 0.2em 0.5em; }
  .ic-ref { padding: 0.15em 0.25em 0.15em 0.75em; }
  .ic-log { padding: 0.75em; }
  .ic-typing { min-height: 0; padding: 0 0.75em; }
  .ic-typing:not(:empty) { padding-bottom: 0.3em; }
  .ic-form { gap: 0.15em; padding: 0.35em 0.75em 0.5em; }
  .ic-form label { font-size: 0.9em; }
  .ic-input { height: 2.75em; }
}

@media (forced-colors: active) {
  .ic-launcher, .ic-send, .ic-attach, .ic-choice, .ic-header button, .ic-msg, .ic-panel, .ic-ref-copy,
  .ic-confirm-box, .ic-confirm-actions button { border: 2px solid ButtonText; }
  .ic-dots span { background: CanvasText; }
  .ic button:focus-visible, .ic-log:focus-visible, .ic a:focus-visible { outline: 3px solid Highlight; }
}
`;
