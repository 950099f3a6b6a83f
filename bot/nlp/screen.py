"""Messages the classifier should not guess at: empty ones, code or markup, and other languages.

`screen(text)` names what is wrong with a message, or returns None for an ordinary one. The
assistant then answers kindly instead of guessing (the Rasa component `bot.nlp.components.
MessageScreen` sets the intent to the name). Nothing is dropped: the message stays in the
conversation, word for word, for staff to read.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

EMPTY = "empty_message"
MARKUP = "markup_message"
OTHER_LANGUAGE = "other_language"
SCREEN_INTENTS = (EMPTY, MARKUP, OTHER_LANGUAGE)

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?\s*>")
_SCRIPT = re.compile(r"<\s*script\b|javascript:|\bon(load|error|click|mouseover)\s*=", re.I)
_WORD = re.compile(r"[^\W\d_]+")
# Language identification is unreliable on a word or two ("ta", "cheers mate"), so only longer
# messages are judged, and only a confident verdict counts.
MIN_WORDS_FOR_LANGUAGE = 3
LANGUAGE_CONFIDENCE = 0.90
# Most letters outside the Latin script: not English, whatever the identifier says.
NON_LATIN_SHARE = 0.5

# A short message is too short for the identifier ("hola necesito ayuda", "bonjour"), so it is
# judged by words that greet, thank or ask for help in the languages residents most often write
# in, and are not English words (nor common English names or slang: not "hallo", "ciao", "helo",
# "da", "boa", "salam"). Written without accents; a message is matched without its accents.
SHORT_MESSAGE_WORDS = 8
_FOREIGN_WORDS = {
    "es": "hola buenos buenas dias necesito ayuda ayudame ayudeme gracias quiero tengo hablar "
          "puede puedo usted senor senora estoy problema vecino vecinos vivienda",
    "fr": "bonjour bonsoir salut merci beaucoup besoin voudrais aidez aider svp plait monsieur "
          "madame logement voisin voisins je suis",
    "de": "guten morgen abend danke bitte hilfe brauche ich mochte wohnung nachbar nachbarn",
    "it": "buongiorno buonasera grazie aiuto aiutatemi prego vorrei bisogno",
    "pt": "obrigado obrigada ajuda preciso",
    "pl": "dzien dobry czesc dziekuje prosze pomoc pomocy potrzebuje mieszkanie sasiad",
    "ro": "buna ziua multumesc ajutor rog",
    "tr": "merhaba selam tesekkurler tesekkur yardim yardım lutfen",
    "lt": "labas laba diena aciu sveiki",
    "so": "salaan mahadsanid caawimaad",
    "cy": "diolch shwmae croeso",
    "ar": "marhaba shukran alaikum",
    "ur": "shukriya madad chahiye",
}
_FOREIGN = {word: lang for lang, words in _FOREIGN_WORDS.items() for word in words.split()}

LANGUAGE_NAMES = {
    "ar": "Arabic", "bn": "Bengali", "cy": "Welsh", "de": "German", "es": "Spanish", "fa": "Persian",
    "fr": "French", "gu": "Gujarati", "hi": "Hindi", "it": "Italian", "ku": "Kurdish",
    "lt": "Lithuanian", "lv": "Latvian", "pa": "Punjabi", "pl": "Polish", "ps": "Pashto",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "so": "Somali", "ta": "Tamil",
    "ti": "Tigrinya", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "zh": "Chinese",
}


@functools.lru_cache(maxsize=1)
def _identifier():
    import py3langid
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(Path(py3langid.__file__).parent / MODEL_FILE, norm_probs=True)


def _non_latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return 1 - latin / len(letters)


def without_markup(text: str) -> str:
    return _TAG.sub(" ", text or "")


def _plain(word: str) -> str:
    """A word in lower case without its accents ("días" -> "dias")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def _by_words(words: list[str]) -> tuple[str, float] | None:
    """A short message most of whose words are greetings, thanks or requests for help in one
    other language (SHORT_MESSAGE_WORDS at most); confidence 1.0."""
    if not words or len(words) > SHORT_MESSAGE_WORDS:
        return None
    found = [_FOREIGN[w] for w in map(_plain, words) if w in _FOREIGN]
    if not found or 2 * len(found) < len(words):
        return None
    return max(set(found), key=found.count), 1.0


def language_of(text: str) -> tuple[str, float] | None:
    """(ISO 639-1 code, confidence) when the message is confidently not English, else None."""
    words = _WORD.findall(text or "")
    if not words:
        return None
    if _non_latin_share(text) >= NON_LATIN_SHARE and len("".join(words)) >= 4:
        lang, confidence = _identifier().classify(text)
        return (lang if lang != "en" else "und"), float(confidence)
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return _by_words(words)
    lang, confidence = _identifier().classify(text)
    if lang != "en" and confidence >= LANGUAGE_CONFIDENCE:
        return lang, float(confidence)
    return _by_words(words)


def screen(text: str | None) -> str | None:
    """EMPTY, MARKUP or OTHER_LANGUAGE for a message not to classify, None for an ordinary one."""
    text = text or ""
    if not _WORD.search(text) and not re.search(r"\d", text):
        return EMPTY  # nothing, spaces, or only punctuation and symbols
    if _SCRIPT.search(text) or (_TAG.search(text) and len(_WORD.findall(without_markup(text))) < 3):
        return MARKUP  # code or a fragment of a web page, not words to a person
    if language_of(without_markup(text)) is not None:
        return OTHER_LANGUAGE
    return None


def language_name(code: str | None) -> str | None:
    return LANGUAGE_NAMES.get(code or "")
