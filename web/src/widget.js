// Intake's website chat widget. A landlord adds it with one tag:
//
//   <script src="https://RASA-HOST/webhooks/webchat/widget.js" defer></script>
//
// Optional attributes on that tag:
//   data-title="Chat with us"        the launcher's and the panel's title
//   data-init-payload="/greet"       sent when a new conversation opens, so the assistant speaks
//                                    first ("" to wait for the resident)
//   data-open="true"                 open the chat when the page loads
//   data-server="https://..."        the Rasa server, if not the one the script came from
//   data-socket-path="/socket.io/"   Rasa's socket.io path
//   data-session-ttl-minutes="60"    forget the conversation on this device after this long idle
//   data-max-file-mb="25"            the server's INTAKE_EVIDENCE_MAX_MB (checked here first)
//
// Photos, videos, recordings and PDFs: the Attach button (the camera or the gallery on a phone,
// the file picker on a laptop) or dropped on the chat. Each is uploaded on its own (POST
// /webhooks/webchat/upload, with the session id), with progress; the server checks and keeps it
// and answers with what to say (kept, or why not). A picture is shown from the resident's own
// copy (a blob: URL); nothing a resident uploads is ever fetched back from the server.
//
// It talks to Rasa's socket.io channel with long polling (WebSocket does not work with the Rasa
// server's Python 3.11 + sanic 21.12, see shared/STACK.md). The session id is kept in
// localStorage, so a reload, or the next page of the site, continues the same conversation; the
// conversation so far is fetched from the server (`history_request`). Everything the resident
// or the assistant writes is put on the page as text (textContent), never as HTML.
import { io } from "socket.io-client";
import { CSS } from "./styles.js";

// The server's INTAKE_MAX_MESSAGE_CHARS default. No maxlength on the box: a browser cuts a paste
// short without a word, and the resident would lose the rest.
const MAX_LENGTH = 100000;
const ACK_TIMEOUT_MS = 60000;

function readConfig(script) {
  const data = (script && script.dataset) || {};
  const base = script && script.src ? new URL(script.src, location.href) : new URL(location.href);
  const server = (data.server || base.origin).replace(/\/+$/, "");
  const ttl = Number(data.sessionTtlMinutes);
  return {
    server,
    path: data.socketPath || "/socket.io/",
    title: data.title || "Chat with us",
    initPayload: data.initPayload === undefined ? "/greet" : data.initPayload,
    open: data.open === "true",
    maxFileBytes: (Number(data.maxFileMb) > 0 ? Number(data.maxFileMb) : 25) * 1024 * 1024,
    ttlMs: (Number.isFinite(ttl) && ttl > 0 ? ttl : 60) * 60000,
    key: "intake-chat:" + server,
  };
}

// Storage can be missing or refuse (private browsing, blocked cookies): the chat still works,
// it just does not survive a reload.
function storage(kind) {
  try {
    const area = window[kind];
    const probe = "intake-chat:probe";
    area.setItem(probe, "1");
    area.removeItem(probe);
    return area;
  } catch (error) {
    return null;
  }
}

function readJSON(area, key) {
  try {
    return area ? JSON.parse(area.getItem(key)) : null;
  } catch (error) {
    return null;
  }
}

function writeJSON(area, key, value) {
  try {
    if (area) area.setItem(key, JSON.stringify(value));
  } catch (error) {
    /* full or refused: not fatal */
  }
}

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) node.setAttribute(name, "");
    else if (value !== false && value != null) node.setAttribute(name, String(value));
  }
  if (text != null) node.textContent = text;
  return node;
}

function chatIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("fill", "currentColor");
  path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
  svg.appendChild(path);
  return svg;
}

// Web addresses (with or without https://), e-mail addresses and UK phone numbers (including 999)
// in the assistant's replies, so that a resident can tap them to call, write or open.
const LINK_PATTERN = new RegExp(
  [
    String.raw`\bhttps?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]]`,
    String.raw`\bwww\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:\/[^\s<>"']*[^\s<>"'.,;:!?)\]])?`,
    String.raw`\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b`,
    String.raw`(?<!\d)(?:0\d{2,4}(?: ?\d){6,8}|999)(?!\d)`,
  ].join("|"),
  "gi"
);

// The link a piece of text stands for, or null when it is not a safe one.
function linkFor(found) {
  if (/^\d|^0/.test(found)) return { href: "tel:" + found.replace(/\D/g, ""), external: false };
  if (found.includes("@") && !/^https?:/i.test(found)) {
    return { href: "mailto:" + found, external: false };
  }
  let url;
  try {
    url = new URL(/^https?:/i.test(found) ? found : "https://" + found);
  } catch (error) {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  return { href: url.href, external: true };
}

// Text with its web addresses, e-mail addresses and phone numbers as links; built from text
// nodes and <a> elements only.
function linkified(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(LINK_PATTERN)) {
    const link = linkFor(match[0]);
    if (!link) continue;
    fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
    const attributes = link.external
      ? { href: link.href, target: "_blank", rel: "noopener noreferrer" }
      : { href: link.href };
    const anchor = element("a", attributes, match[0]);
    if (link.external) anchor.appendChild(element("span", { class: "ic-sr" }, " (opens in a new tab)"));
    fragment.appendChild(anchor);
    last = match.index + match[0].length;
  }
  fragment.appendChild(document.createTextNode(text.slice(last)));
  return fragment;
}

// Case references as the assistant gives them (bot/cases/references.py): a type prefix, five
// characters and a check character from an alphabet without look-alikes, e.g. CMP-7KQ4M-X. Only
// references whose check character is right count, so a mistyped one quoted back is not pinned.
const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ";
const REFERENCE_PREFIXES = ["CMP", "SRQ", "ASB", "CMT", "CPL"]; // the order is part of the check
const REFERENCE_PATTERN = new RegExp(
  String.raw`\b(${REFERENCE_PREFIXES.join("|")})-([${REFERENCE_ALPHABET}]{5})-([${REFERENCE_ALPHABET}])\b`, "g");

function validReference(prefix, body, check) {
  const values = [REFERENCE_PREFIXES.indexOf(prefix) + 1, ...[...body + check].map((c) => REFERENCE_ALPHABET.indexOf(c))];
  const total = values.reduce((sum, value, i) => sum + (i + 1) * value, 0);
  return total % REFERENCE_ALPHABET.length === 0;
}

function lastReference(text) {
  let found = null;
  for (const match of text.matchAll(REFERENCE_PATTERN)) {
    if (validReference(match[1], match[2], match[3])) found = match[0];
  }
  return found;
}

function sameMessage(a, b) {
  return a.sender === b.sender && (a.text || "") === (b.text || "");
}

class IntakeChat {
  constructor(config) {
    this.config = config;
    this.local = storage("localStorage");
    this.session = storage("sessionStorage");
    this.socket = null;
    this.sessionId = null;
    this.ready = false; // connected and joined to the session
    this.lost = false; // the connection dropped (or never came): a message is showing
    this.waiting = 0; // messages sent and not yet answered
    this.items = []; // {sender, text, quick_replies, node, pending}
    this.greeted = false;
    this.build();
    if (config.open || readJSON(this.session, config.key + ":open")) this.open({ focus: false });
  }

  // --- the page ----------------------------------------------------------------------------------

  build() {
    const host = element("div", { id: "intake-chat" });
    const root = host.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(element("style", {}, CSS));
    }
    const wrap = element("div", { class: "ic" });
    const title = this.config.title;

    this.launcher = element("button", {
      type: "button", class: "ic-launcher", "aria-expanded": "false", "aria-controls": "ic-panel",
    });
    this.launcher.appendChild(chatIcon());
    this.launcher.appendChild(element("span", {}, title));
    this.launcher.addEventListener("click", () => this.open());

    this.panel = element("section", { id: "ic-panel", class: "ic-panel", "aria-labelledby": "ic-title", hidden: true });
    const header = element("div", { class: "ic-header" });
    header.appendChild(element("h2", { id: "ic-title", class: "ic-title" }, title));
    this.endButton = element("button", { type: "button", class: "ic-end", "aria-haspopup": "dialog" }, "End chat");
    this.endButton.addEventListener("click", () => this.askToEnd());
    // The visible word is the whole accessible name (WCAG 2.5.3 Label in Name).
    const minimise = element("button", { type: "button", class: "ic-min" }, "Minimise");
    minimise.addEventListener("click", () => this.close());
    // The buttons wrap together, to the right, when the title and they do not fit on one line.
    const actions = element("div", { class: "ic-actions" });
    actions.append(this.endButton, minimise);
    header.appendChild(actions);
    this.header = header;

    // The case reference, once the assistant has given one: pinned under the header, so it does
    // not scroll away with the conversation. Not a live region: the message that gave it was read.
    this.refBar = element("div", { class: "ic-ref", hidden: true });
    const refText = element("p", { class: "ic-ref-text" }, "Your reference: ");
    this.refCode = element("span", { class: "ic-ref-code" });
    refText.appendChild(this.refCode);
    this.copyButton = element("button", { type: "button", class: "ic-ref-copy" }, "Copy");
    this.copyButton.appendChild(element("span", { class: "ic-sr" }, " reference"));
    this.copyButton.addEventListener("click", () => this.copyReference());
    this.copyStatus = element("span", { class: "ic-ref-status", role: "status" });
    this.refBar.append(refText, this.copyButton, this.copyStatus);
    this.reference = null;

    // Live regions exist from the start (an announcement needs a region that was already there).
    this.connection = element("div", { class: "ic-conn", role: "status", "aria-live": "assertive" });
    this.log = element("div", { class: "ic-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
    this.typing = element("div", { class: "ic-typing", role: "status", "aria-live": "polite" });

    const form = element("form", { class: "ic-form", novalidate: true });
    form.appendChild(element("label", { for: "ic-input" }, "Your message"));
    // Only where there is a keyboard to press Shift on (shown by keyboardHint()).
    this.hint = element("p", { id: "ic-hint", class: "ic-hint", hidden: true }, "Press Enter to send. Shift and Enter starts a new line.");
    form.appendChild(this.hint);
    const row = element("div", { class: "ic-row" });
    this.input = element("textarea", {
      id: "ic-input", class: "ic-input", rows: "2",
      autocomplete: "off", spellcheck: "true", enterkeyhint: "send",
    });
    this.input.addEventListener("input", () => this.growInput());
    this.sendButton = element("button", { type: "submit", class: "ic-send" }, "Send");
    // Its name is the word it shows (WCAG 2.5.3); what it takes is its description. The file
    // input is reached through it only (not rendered: one control, not two).
    this.attachButton = element("button", { type: "button", class: "ic-attach", "aria-describedby": "ic-attach-what" }, "Attach");
    const attachWhat = element("span", { id: "ic-attach-what", class: "ic-sr" }, "a photo, video or document");
    this.fileInput = element("input", {
      type: "file", class: "ic-file", multiple: true, tabindex: "-1", "aria-hidden": "true", hidden: true,
      accept: "image/*,video/*,audio/*,application/pdf,.heic,.heif,.pdf",
    });
    this.attachButton.addEventListener("click", () => this.fileInput.click());
    this.fileInput.addEventListener("change", () => {
      const files = [...this.fileInput.files];
      this.fileInput.value = "";
      this.attachFiles(files);
    });
    row.append(this.attachButton, this.input, this.sendButton, this.fileInput, attachWhat);
    form.appendChild(row);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        if (!this.confirm.hidden) this.cancelEnd();
        else this.close();
      }
    });
    this.form = form;

    // Files dropped anywhere on the open panel (a laptop's drag and drop).
    this.panel.addEventListener("dragover", (event) => {
      if (!event.dataTransfer || ![...event.dataTransfer.types].includes("Files")) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      this.panel.classList.add("ic-dragging");
    });
    this.panel.addEventListener("dragleave", (event) => {
      if (!this.panel.contains(event.relatedTarget)) this.panel.classList.remove("ic-dragging");
    });
    this.panel.addEventListener("drop", (event) => {
      this.panel.classList.remove("ic-dragging");
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      this.attachFiles([...event.dataTransfer.files]);
    });

    this.confirm = this.buildConfirm();
    this.panel.append(header, this.refBar, this.connection, this.log, this.typing, form, this.confirm);
    wrap.append(this.launcher, this.panel);
    root.appendChild(wrap);
    document.body.appendChild(host);
    this.keyboardHint();
    this.followViewport();
  }

  // "End chat" asks first, inside the widget: a small alert dialog over the panel, with focus on
  // the harmless choice; Escape or "Keep chatting" puts focus back on the header's "End chat".
  buildConfirm() {
    const confirm = element("div", {
      class: "ic-confirm", role: "alertdialog", "aria-modal": "true",
      "aria-labelledby": "ic-confirm-title", "aria-describedby": "ic-confirm-text", hidden: true,
    });
    const box = element("div", { class: "ic-confirm-box" });
    box.appendChild(element("h3", { id: "ic-confirm-title", class: "ic-confirm-title" }, "End this chat?"));
    box.appendChild(element("p", { id: "ic-confirm-text", class: "ic-confirm-text" },
      "The conversation will no longer be shown on this device. Anything you have already sent us is kept."));
    const actions = element("div", { class: "ic-confirm-actions" });
    const end = element("button", { type: "button", class: "ic-confirm-end" }, "End chat");
    end.addEventListener("click", () => this.confirmEnd());
    this.keepButton = element("button", { type: "button", class: "ic-confirm-keep" }, "Keep chatting");
    this.keepButton.addEventListener("click", () => this.cancelEnd());
    actions.append(end, this.keepButton);
    box.appendChild(actions);
    confirm.appendChild(box);
    // Focus stays in the dialog while it is open (the rest of the panel is inert).
    confirm.addEventListener("keydown", (event) => {
      if (event.key !== "Tab") return;
      const first = end, last = this.keepButton;
      const active = confirm.getRootNode().activeElement;
      if (event.shiftKey && active === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && active === last) {
        event.preventDefault();
        first.focus();
      }
    });
    return confirm;
  }

  setBackgroundInert(on) {
    for (const part of [this.header, this.refBar, this.log, this.form]) {
      if ("inert" in part) part.inert = on;
      else if (on) part.setAttribute("aria-hidden", "true"); // older browsers: hidden from screen readers
      else part.removeAttribute("aria-hidden");
    }
  }

  askToEnd() {
    this.panel.scrollTop = 0; // a short screen scrolls the panel: the dialog covers its top
    this.confirm.hidden = false;
    this.setBackgroundInert(true);
    this.keepButton.focus();
  }

  cancelEnd({ focus = true } = {}) {
    if (this.confirm.hidden) return;
    this.confirm.hidden = true;
    this.setBackgroundInert(false);
    if (focus) this.endButton.focus();
  }

  confirmEnd() {
    this.cancelEnd({ focus: false });
    this.endChat();
  }

  // "Shift and Enter starts a new line" means something only with a hardware keyboard (and a
  // mouse or trackpad: a laptop), not on a phone or tablet.
  keyboardHint() {
    const query = window.matchMedia ? window.matchMedia("(hover: hover) and (pointer: fine)") : null;
    const apply = () => {
      const show = !query || query.matches;
      this.hint.hidden = !show;
      if (show) this.input.setAttribute("aria-describedby", "ic-hint");
      else this.input.removeAttribute("aria-describedby");
    };
    apply();
    if (query && query.addEventListener) query.addEventListener("change", apply);
  }

  // The message box grows with what is typed (up to its max-height), and never shrinks below
  // the size the resident dragged it to; sending puts it back.
  growInput(reset = false) {
    const box = this.input;
    if (reset) box.style.height = "";
    const border = box.offsetHeight - box.clientHeight;
    if (box.scrollHeight > box.clientHeight) box.style.height = box.scrollHeight + border + "px";
  }

  // On a phone the panel fills the screen; when the on-screen keyboard is up, only the part of
  // the screen above it (the visual viewport). Pinch zoom (scale != 1) is left alone.
  followViewport() {
    const viewport = window.visualViewport;
    this.phone = window.matchMedia ? window.matchMedia("(max-width: 30em), (max-height: 30em)") : null;
    if (!viewport || !this.phone) return;
    const fit = () => this.fitToViewport();
    viewport.addEventListener("resize", fit);
    viewport.addEventListener("scroll", fit);
    if (this.phone.addEventListener) this.phone.addEventListener("change", fit);
  }

  fitToViewport() {
    const viewport = window.visualViewport;
    if (!viewport || !this.phone) return;
    const style = this.panel.style;
    const squeezed = !this.panel.hidden && this.phone.matches && Math.abs(viewport.scale - 1) < 0.01
      && viewport.height < window.innerHeight - 1;
    const atEnd = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 8;
    if (squeezed) {
      style.top = Math.max(0, viewport.offsetTop) + "px";
      style.bottom = "auto";
      style.height = viewport.height + "px";
    } else {
      style.top = style.bottom = style.height = "";
    }
    this.panel.classList.toggle("ic-squeezed", squeezed);
    if (atEnd) this.scrollToEnd();
  }

  open({ focus = true } = {}) {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    writeJSON(this.session, this.config.key + ":open", true);
    this.connect();
    this.fitToViewport();
    if (focus) this.input.focus();
    this.scrollToEnd();
  }

  close() {
    this.cancelEnd({ focus: false });
    this.panel.hidden = true;
    this.fitToViewport();
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    writeJSON(this.session, this.config.key + ":open", false);
    this.launcher.focus();
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  showConnection(text, ok = false) {
    clearTimeout(this.connectionTimer);
    this.connection.textContent = text || "";
    this.connection.classList.toggle("ic-ok", ok);
    if (ok) this.connectionTimer = setTimeout(() => this.showConnection(""), 5000);
  }

  setTyping(on) {
    if (on === !!this.typing.firstChild) return;
    this.typing.replaceChildren();
    if (on) {
      const dots = element("span", { class: "ic-dots", "aria-hidden": "true" });
      dots.append(element("span"), element("span"), element("span"));
      this.typing.append(dots, element("span", {}, "The assistant is typing\u2026"));
    }
  }

  // --- the conversation on the page --------------------------------------------------------------

  render(item) {
    const bot = item.sender === "bot";
    const node = element("div", { class: "ic-msg " + (bot ? "ic-bot" : "ic-user") });
    node.appendChild(element("span", { class: "ic-sr" }, bot ? "Assistant: " : "You: "));
    let text = item.text || "";
    const attachment = item.attachment;
    if (!text && attachment && attachment.payload) text = attachment.payload.src || attachment.payload.url || "";
    if (bot) node.appendChild(linkified(text));
    else node.appendChild(document.createTextNode(text));
    if (item.preview) {
      // The resident's own copy of the picture (a blob: URL), never one fetched from the server.
      const figure = element("figure", { class: "ic-figure" });
      figure.appendChild(element("img", { src: item.preview, alt: "Your picture: " + (item.fileName || "photo") }));
      node.appendChild(figure);
    }
    if (item.upload) {
      const status = element("div", { class: "ic-upload" });
      item.progress = element("progress", { max: "100", value: "0", "aria-label": "Upload of " + (item.fileName || "your file") });
      item.status = element("span", {}, "Uploading\u2026");
      status.append(item.progress, item.status);
      node.appendChild(status);
    }
    if (item.pending) {
      node.classList.add("ic-pending");
      node.appendChild(element("span", { class: "ic-sr ic-pending-note" }, " (waiting to send)"));
    }
    item.node = node;
    return node;
  }

  confirmed() {
    return this.items.filter((item) => !item.pending);
  }

  // Add a message before any message still waiting to be sent.
  add(item) {
    const firstPending = this.items.find((other) => other.pending);
    const node = this.render(item);
    if (firstPending && !item.pending) {
      this.log.insertBefore(node, firstPending.node);
      this.items.splice(this.items.indexOf(firstPending), 0, item);
    } else {
      this.log.appendChild(node);
      this.items.push(item);
    }
    return item;
  }

  // Buttons are offered under the assistant's last message, while the resident has not answered.
  showChoices() {
    for (const group of this.log.querySelectorAll(".ic-choices")) group.remove();
    const last = this.items[this.items.length - 1];
    if (!last || last.sender !== "bot" || !(last.quick_replies || []).length) return;
    const group = element("div", { class: "ic-choices", role: "group", "aria-label": "Suggested replies" });
    for (const reply of last.quick_replies) {
      if (!reply || !reply.title) continue;
      const button = element("button", { type: "button", class: "ic-choice" }, reply.title);
      button.addEventListener("click", () => {
        this.send(reply.payload || reply.title, reply.title);
        this.input.focus();
      });
      group.appendChild(button);
    }
    last.node.after(group);
  }

  // The server's record of the conversation: add what this page has not shown yet, or, when the
  // two differ, show the server's (quietly: aria-busy keeps screen readers from reading it all).
  applyHistory(messages) {
    const shown = this.confirmed();
    const extends_ = shown.length <= messages.length && shown.every((item, i) => sameMessage(item, messages[i]));
    const quiet = !extends_ || shown.length === 0;
    if (quiet) this.log.setAttribute("aria-busy", "true");
    if (!extends_) {
      for (const item of shown) item.node.remove();
      this.items = this.items.filter((item) => item.pending);
    }
    for (const message of messages.slice(extends_ ? shown.length : 0)) this.add({ ...message });
    this.showChoices();
    this.showReference();
    if (quiet) this.log.setAttribute("aria-busy", "false");
    this.scrollToEnd();
  }

  // The latest case reference the assistant gave, pinned under the header. It comes from the
  // conversation itself, so it is back after a reload (with the history) and goes with End chat.
  showReference() {
    let found = null;
    for (let i = this.items.length - 1; i >= 0 && !found; i--) {
      const item = this.items[i];
      if (item.sender === "bot") found = lastReference(item.text || "");
    }
    if (found === this.reference) return;
    this.reference = found;
    this.refCode.textContent = found || "";
    this.refBar.hidden = !found;
    this.copyStatus.textContent = "";
  }

  async copyReference() {
    const reference = this.reference;
    if (!reference) return;
    let copied = false;
    try {
      await navigator.clipboard.writeText(reference);
      copied = true;
    } catch (error) {
      // No clipboard API here (an http page, or refused): copy the selected text the old way.
      try {
        const selection = window.getSelection();
        selection.selectAllChildren(this.refCode);
        copied = document.execCommand("copy");
      } catch (ignored) {
        copied = false;
      }
    }
    clearTimeout(this.copyTimer);
    this.copyStatus.textContent = copied ? "Copied" : "Could not copy. Please write it down: " + reference;
    if (copied) this.copyTimer = setTimeout(() => { this.copyStatus.textContent = ""; }, 5000);
  }

  // --- talking to the server ---------------------------------------------------------------------

  storedSession() {
    const saved = readJSON(this.local, this.config.key);
    if (!saved || typeof saved.id !== "string") return null;
    if (Date.now() - (saved.at || 0) > this.config.ttlMs) {
      this.forgetSession();
      return null;
    }
    return saved.id;
  }

  touch() {
    if (this.sessionId) writeJSON(this.local, this.config.key, { id: this.sessionId, at: Date.now() });
  }

  forgetSession() {
    try {
      if (this.local) this.local.removeItem(this.config.key);
    } catch (error) {
      /* ignore */
    }
  }

  connect() {
    if (this.socket) return;
    const socket = io(this.config.server, {
      path: this.config.path,
      transports: ["polling"],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 8000,
      timeout: 15000,
    });
    this.socket = socket;
    socket.on("connect", () => socket.emit("session_request", { session_id: this.storedSession() }));
    socket.on("session_confirm", (id) => this.joined(id));
    socket.on("bot_uttered", (message) => this.received(message));
    socket.on("disconnect", (reason) => {
      this.ready = false;
      this.waiting = 0;
      this.setTyping(false);
      if (reason === "io client disconnect") return;
      this.lost = true;
      this.showConnection("Connection lost. Trying to reconnect\u2026 Your conversation is kept.");
      if (reason === "io server disconnect") socket.connect(); // the server will not retry for us
    });
    socket.on("connect_error", () => {
      if (this.lost) return;
      this.lost = true;
      this.showConnection("Cannot reach the assistant at the moment. Trying again\u2026");
    });
  }

  joined(id) {
    const changed = this.sessionId !== null && this.sessionId !== id;
    this.sessionId = id;
    this.ready = true;
    this.touch();
    if (this.lost) {
      this.lost = false;
      this.showConnection("Connected again.", true);
    }
    if (changed) this.greeted = false;
    this.socket.timeout(15000).emit("history_request", { session_id: id }, (error, answer) => {
      const known = !error && answer && answer.session_id === this.sessionId;
      if (known) this.applyHistory(answer.messages || []);
      this.flush();
      // Greet only a conversation known to be new (never on a failed history request).
      if (known && !this.items.length && !this.greeted && this.config.initPayload) {
        this.greeted = true;
        this.emit(this.config.initPayload, { opening: true });
      }
    });
  }

  received(message) {
    if (!message || typeof message !== "object") return;
    this.touch();
    const item = { sender: "bot", text: typeof message.text === "string" ? message.text : "" };
    if (Array.isArray(message.quick_replies)) item.quick_replies = message.quick_replies;
    if (message.attachment && typeof message.attachment === "object") item.attachment = message.attachment;
    if (!item.text && !item.attachment) return;
    this.add(item);
    this.showChoices();
    this.showReference();
    this.scrollToEnd();
  }

  emit(text, extra = {}) {
    this.waiting += 1;
    this.setTyping(true);
    this.touch();
    const data = { message: text, session_id: this.sessionId, ...extra };
    this.socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered", data, () => {
      this.waiting = Math.max(0, this.waiting - 1);
      if (!this.waiting) this.setTyping(false);
    });
  }

  // Send what waited for the connection, in order.
  flush() {
    for (const item of this.items.filter((other) => other.pending)) {
      if (!this.ready) return;
      item.pending = false;
      item.node.classList.remove("ic-pending");
      const note = item.node.querySelector(".ic-pending-note");
      if (note) note.remove();
      this.emit(item.payload);
    }
  }

  send(payload, display) {
    const text = String(payload).trim();
    if (!text) return;
    const item = { sender: "user", text: display || text, payload: text, pending: !this.ready };
    this.add(item);
    this.showChoices(); // the resident answered: the old buttons go
    this.scrollToEnd();
    if (this.ready) this.emit(text);
    else if (!this.socket || !this.socket.connected) {
      this.showConnection("Not connected. Your message will be sent when the connection is back.");
      this.connect();
    } // else: joining a session; the message is sent as soon as it is joined

  }

  submit() {
    const text = this.input.value.trim();
    if (!text) {
      this.input.focus();
      return;
    }
    if (text.length > MAX_LENGTH) { // kept in the box, so nothing is lost
      this.showConnection(`That message is too long to send in one go (${text.length.toLocaleString("en-GB")} characters; the most is ${MAX_LENGTH.toLocaleString("en-GB")}). Please send it in parts.`);
      this.input.focus();
      return;
    }
    this.input.value = "";
    this.growInput(true);
    this.send(text);
  }

  // --- photos, videos and documents -------------------------------------------------------------

  attachFiles(files) {
    for (const file of files) this.upload(file);
    this.input.focus();
  }

  // The channel's own reply about a file. The buttons of the question the assistant was asking
  // come back under it: the question is still open (the file was not an answer to it).
  note(text, offered) {
    const item = { sender: "bot", text };
    if (offered && offered.length) item.quick_replies = offered;
    this.add(item);
    this.showChoices();
    this.scrollToEnd();
  }

  upload(file) {
    const name = file.name || "file";
    const picture = /^image\//.test(file.type) && !/hei[cf]/i.test(file.type);
    const last = this.items[this.items.length - 1];
    const offered = last && last.sender === "bot" ? last.quick_replies : null;
    const item = {
      sender: "user", text: "Sending " + name, fileName: name, upload: true,
      preview: picture && window.URL && URL.createObjectURL ? URL.createObjectURL(file) : null,
    };
    this.add(item);
    this.showChoices();
    this.scrollToEnd();
    const finish = (text, sent) => {
      item.text = text;
      item.node.firstChild.nextSibling.textContent = text;
      item.status.textContent = sent ? "Sent" : "Not sent";
      item.progress.value = sent ? 100 : 0;
      item.progress.hidden = true;
    };
    if (file.size > this.config.maxFileBytes) {
      finish("Not sent: " + name, false);
      this.note(`Sorry, that file is too big: the most I can keep is ${Math.round(this.config.maxFileBytes / 1048576)} MB. A photo, or a shorter video, will do. Please carry on where we were.`, offered);
      return;
    }
    if (!this.ready || !this.sessionId) {
      finish("Not sent: " + name, false);
      this.note("The chat is not connected, so your file was not sent. Please try again when the connection is back.", offered);
      return;
    }
    this.touch();
    const request = new XMLHttpRequest();
    request.open("POST", this.config.server + "/webhooks/webchat/upload");
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.setRequestHeader("X-Intake-Session", this.sessionId);
    request.setRequestHeader("X-Intake-File-Name", encodeURIComponent(name.slice(0, 200)));
    request.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      const percent = Math.round((100 * event.loaded) / event.total);
      item.progress.value = percent;
      item.status.textContent = `Uploading\u2026 ${percent}%`;
    });
    request.addEventListener("load", () => {
      let answer = null;
      try {
        answer = JSON.parse(request.responseText);
      } catch (error) {
        answer = null;
      }
      if (answer && answer.ok) finish(answer.shown || "Sent: " + name, true);
      else finish("Not sent: " + name, false);
      this.note((answer && answer.text) || "Sorry, I couldn't keep that file just now. Please try sending it again in a minute; we can carry on meanwhile.", offered);
    });
    request.addEventListener("error", () => {
      finish("Not sent: " + name, false);
      this.note("Sorry, your file could not be sent (the connection failed). Please try again; we can carry on meanwhile.", offered);
    });
    request.send(file);
  }

  endChat() {
    this.forgetSession();
    this.log.replaceChildren();
    this.items = [];
    this.showReference();
    this.greeted = false;
    this.waiting = 0;
    this.setTyping(false);
    this.log.appendChild(element("p", { class: "ic-note" }, "You ended the chat. It is no longer shown on this device."));
    if (this.socket && this.socket.connected) {
      this.ready = false; // until the new session is joined; messages wait for it
      this.socket.emit("session_request", { session_id: null });
    }
    this.input.focus();
  }
}

function start() {
  if (window.IntakeChat) return; // loaded twice
  const chat = new IntakeChat(readConfig(currentScript));
  window.IntakeChat = { open: () => chat.open(), close: () => chat.close() };
}

const currentScript = document.currentScript || document.querySelector('script[src*="/webhooks/webchat/widget.js"]');
if (document.body) start();
else document.addEventListener("DOMContentLoaded", start);
