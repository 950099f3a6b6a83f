"""What the resident is told when a file is kept or refused. The channel says it itself: a file
sent without words never reaches the assistant, so the question it is waiting on stays as it was."""
from __future__ import annotations

NOUNS = {"photo": "photo", "video": "video", "audio": "recording", "document": "document"}


def kept(kinds: list[str], reference: str | None = None) -> str:
    """"Thanks, I've kept your photo with this conversation. ..." for one or more files; with
    `reference`, the filed case they were added to."""
    if len(kinds) == 1:
        what = f"your {NOUNS.get(kinds[0], 'file')}"
    elif len(set(kinds)) == 1:
        what = f"your {len(kinds)} {NOUNS.get(kinds[0], 'file')}s"
    else:
        what = f"your {len(kinds)} files"
    if reference:
        return (f"Thanks, I've added {what} to your case {reference}. Staff will see it with "
                "the rest of your case.")
    return (f"Thanks, I've kept {what} with this conversation. Staff will see it with what you "
            "tell me. Please carry on where we were.")


def refusal(reason: str) -> str:
    from bot.evidence.checks import max_bytes, max_files

    if reason == "size":
        return (f"Sorry, that file is too big: the most I can keep is {max_bytes() // 2**20} MB. "
                "A photo, or a shorter video, will do. Please carry on where we were.")
    if reason == "count":
        return (f"Sorry, I can only keep {max_files()} files with one conversation. Tell me about "
                "any others in words and staff can ask you for them. Please carry on where we were.")
    if reason == "picture":
        return ("Sorry, I couldn't open that picture. Please try again with another photo, or "
                "carry on where we were.")
    if reason == "unavailable":
        return ("Sorry, I couldn't keep that file just now. Please try sending it again in a "
                "minute; we can carry on meanwhile.")
    return ("Sorry, I can't keep that kind of file. I can keep photos, videos, voice recordings "
            "and PDF documents. Please carry on where we were.")


def missing(count: int = 1) -> str:
    what = "a file you sent" if count == 1 else f"{count} files you sent"
    return (f"Sorry, I couldn't fetch {what} from Messenger. Please send it again; we can carry "
            "on meanwhile.")
