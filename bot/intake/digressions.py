"""Is a message a digression from the question asked, or does it carry a safety concern?

A resident in the middle of a form may ask how long it takes, what the ombudsman is or what
counts as a complaint, ask for a person, say stop, ask whether they are talking to a bot, or
report an emergency or a safeguarding concern. Everything else is read as an answer to the
question (bot.intake.reading). So a digression must be clear: a phrase made for it (these word
lists, which staff can read and extend), or the classifier very sure of one of the digression
intents. The safety words are narrower than the classifier: "the smell is awful" in an answer
about mould is not a gas leak, "me and my two children" is not a safeguarding concern.

Pure functions of the text (and the classifier's parse when there is one).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from bot.intake.triage import emergency_hazards, mentions_danger

# Digression topics are the intents the rules answer in the middle of a form.
STOP = "stop"
TIMESCALES = "ask_timescales"
OMBUDSMAN = "ask_ombudsman"
WHAT_COUNTS = "ask_what_counts_as_complaint"
HUMAN = "request_human"
EMERGENCY = "emergency"
SAFEGUARDING = "safeguarding_concern"
BOT = "bot_challenge"
TOPICS = (STOP, TIMESCALES, OMBUDSMAN, WHAT_COUNTS, HUMAN, EMERGENCY, SAFEGUARDING, BOT)
SAFETY = (EMERGENCY, SAFEGUARDING)
# What the screen sets (no words, code, another language): answered by their own rules.
SCREENED = ("empty_message", "markup_message", "other_language")

_I = re.I | re.S


# Common misspellings, dialect and voice-to-text slips of the words the readers look for ("not
# shure", "for masel", "divvent knaa", "stay and on a miss"), spelt the way the readers expect.
_SPELLINGS = tuple((re.compile(rf"\b(?:{wrong})\b"), right) for wrong, right in (
    ("shure|shur|sher", "sure"), ("realy|relly|rly", "really"), ("mayby|maybee|mebbe|mebbes|mabey|maybs", "maybe"),
    ("havnt|havent|haveny", "haven't"), ("hasnt", "hasn't"), ("didnt|didnae|didny", "didn't"),
    ("difrent|diffrent|differnt|diffrent|dif+erent ones", "different"),
    ("masel|mesel|meself|maself|myslef|mysef", "myself"), ("bruther|brotha", "brother"), ("neet|nite", "night"),
    ("my self", "myself"), ("hav", "have"),
    ("ain'?t (asked|told|had|got|done|spoken)", r"haven't \1"), ("nae idea", "no idea"),
    ("cannae mind|can'?t mind|cant mind|canny mind", "can't remember"), ("not a clue", "no clue"),
    ("divvent|divn'?t|dinnae|dinny|dont", "don't"), ("knaa|knaw|kna|knoe", "know"), ("cannae|cant", "can't"),
    ("(?:and|an) ?on a ?(?:miss|mous|mus)|anon a miss|anonymus|anonomous|anonimous|annonymous|ananymous|anonymos",
     "anonymous"),
    ("tlking|talkin|tawkin", "talking"), ("ceilin", "ceiling"),
    # Jamaican and second-language "I don't remember": "mi cyaan memba", "I not remember".
    ("memba|rememba|rember|remeber", "remember"), ("cyaan|caan", "can't"),
    ("(?<!do )(?<!did )(?<!could )(?:not|nuh|no) remember", "don't remember"),
    ("fortnit|fortnite|fortnigt", "fortnight"), ("yesterdee|yisterday|yestaday", "yesterday"),
    ("hows long|^ow long|(?<=[.,!?] )ow long", "how long"), ("afore", "before"),
    # Black Country "I ay seen him for a wik": I haven't seen him for a week.
    ("(?<=\\bi )ay(?= (seen|been|had|got|heard|heard from)\\b)", "haven't"), ("wik", "week"), ("wiks", "weeks"),
    ("^not know|(?<=\\bi )not know", "don't know"),
    ("(?<=\\bshe )(aint|ain'?t) sure|(?<=\\bhe )(aint|ain'?t) sure", "isn't sure"),
    # Scots and Black Country "ma": "its for ma nan".
    ("ma(?= (nan|nana|mum|mam|maw|da|dad|gran|granny|brother|sister|son|daughter|wean|weans|bairn|bairns|husband|"
     "wife|man|flat|hoose|house)\\b)", "my"),
    ("(?<=\\bi )day(?= (understand|know|want|like|think|get|mind|remember)\\b)", "don't"),
    ("con(?= (somebody|someone|you|i|we|they|anyone|anybody) )", "can"), ("goo on", "go on"),
    ("^ar(?=[,.!]|$)", "yes"), ("complainin'?", "complaining"),
    ("no know|nuh know", "don't know"), ("ths|thsi|tihs", "this"), ("neva|nevah", "never"),
    ("nutt'?n|nuttin|nuthin|nothin|nowt", "nothing"), ("jus", "just"), ("rite", "right"), ("yed|yse", "yes"),
    ("happning|happenin'?|hapening", "happening"),
    # Scots: "I havnae asked her", "it's nae for me", "I'm daein it for her"; "sinse satarday".
    ("havnae|hivnae|havenae|haveny|hinnae", "haven't"), ("nae(?= (for|sure|bother|idea|chance|way)\\b)", "not"),
    ("daein|doin'?", "doing"), ("sinse|sinc", "since"), ("satarday|saterday|satuday", "saturday"),
    # "Ah'd rather no say", "leave that oot", "fower month noo".
    ("ah'?d", "i'd"), ("(?<=rather )no(?= (say|thanks|ta)\\b|\\W*$|[.,])", "not"), ("oot", "out"), ("fower", "four"),

    # Voice typing spells out punctuation ("the small claims court comma I would need to ask him");
    # autocorrect makes "still" a "stilt".
    (" ?comma", ","), (" ?question mark", "?"), (" ?full stop", "."),
    ("stil+t?(?= (happening|going|there|the same|bad|leaking|on))", "still"),
    # Dropped g's: "the water's still pourin", "smoke comin out the meter cupboard".
    ("(com|go|pour|leak|dripp|bow|smok|burn|spark|flood|gush|fall|cav|kick|shout|bang|scream|hitt|cough|wheez|"
     "breath|sagg|bulg|collaps|happen|start|sort|fix|wait)in'?", r"\1ing"),
))


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, "u"/"r" spelt out, common misspellings mended, single
    spaces."""
    text = (text or "").strip().lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\bu\b", "you", text)
    text = re.sub(r"\br\b", "are", text)
    text = re.sub(r"\bur\b", "your", text)
    for wrong, right in _SPELLINGS:
        text = wrong.sub(right, text)
    return re.sub(r"\s+", " ", text)


# A message that is only a request to stop (anchored: "I just want it to stop" is an answer), or
# starts with one and says why ("cancel please, I'll ring instead"); "stop him doing it" is an
# answer, not a request to stop.
# Given up in the middle of an answer: "Damp. Again. Actually no, forget it, I'm not doing this on a
# computer" (read anywhere in a message).
_GIVEN_UP = (r"\b(actually|oh|ah|och) no\W+forget (it|this|that)\b|\bi'?m not doing this (on|over) (a|the|this) "
             r"(computer|phone|laptop|website|chat|thing)\b")
_STOP = re.compile(
    r"^((please|can you|can we|can i|could i|just|ok(ay)?|no|oh|actually|right|look|sorry|i'?m sorry|um+|erm+|wait|"
    r"u+gh+|ur+gh+|ah+|oh god|god|honestly|"
    r"tell you what|this is pointless|this is taking (ages|forever|too long)( man| mate)?|"
    r"hang on|d'?you know what|you know what|i think|think)[,.!]? )*"
    r"(stop( it| this| that| now| here| please| the form| the chat| everything)*|cancel( it| this| that|"
    r" (my|the) (?!(bill|charge|invoice|recharge|fine|debt|fee|arrears)\b)\w+| please| everything)*"
    r"(?! (bill|charge|invoice|recharge|fine|debt|fee|arrears)\b)|quit|exit|end( this| the chat| chat)?|"
    r"forget (it|this|that|about it|the whole thing|the lot|all of it|all this|all of this|this whole thing)|"
    r"never ?mind|nevermind|"
    r"(i )?don'?t (wanna |want to |want )?(send|file|submit)(?=( it| this| anything)?\s*([,.!?;]|$|yet\b|now\b))"
    r"( it| this| anything)?"
    r"|i (want|wanna|would like) to (stop|cancel)( this)?|i don'?t want to (do|carry on|"
    r"continue|go on with) (this|it)( any ?more)?|i'?ve changed my mind|changed my mind|start (again|over)|"
    r"scrap (it|that|this|the lot)|i give up|i'?m done( with (this|it))?|leave it|bin (it|this)|nvm|"
    r"i'?m not doing this( any ?more)?|"
    r"i can'?t be bothered( with this)?|i'?ll (just )?(stop|leave it)( here| there| now)?)"
    r"(?!\s+(the|him|her|them|people|kids|my|his|their|your|it (from|happening)|this from|that from|that|"
    # "please don't send male workers when I'm alone": a wish about the visit, not a stop.
    r"male|female|men|women|a|an|any|anyone|anybody|someone|somebody|workers?|contractors?|engineers?|letters?|"
    r"\w+ing\b|doing|from))([\s,.!?;:-]|$)"
    r"|\b(can|could) (i|we) (just )?(cancel|stop|withdraw)\b"
    r"|" + _GIVEN_UP +
    r"|\bi don'?t think i want to (do|carry on with|continue( with)?|go on with) (this|it)\b"
    r"|\b(can|could) we (just )?forget (about )?the whole thing\b"
    r"|\b(i'?m )?not sure i (want|wanna) to go ahead( with (it|this|the complaint|the report))?( now| any ?more)?"
    r"(?=\s*([,.!?;]|$))"
    r"|\bcancel (the|my)( whole)? (complaint|report|request|"
    r"thing|form|lot)\b", _I)
_HUMAN = re.compile(
    r"\bput me through to (a |an |someone|somebody|the )?(real )?(person|human|someone|somebody|manager)?\b|"
    r"\b(speak|talk|chat|get through)( to| with)( a| an| my| your| our| someone| somebody| some1| an? actual| a real|"
    r" real| the)?( real| actual| live)?( person| human| people| agent| adviser| advisor| operator|"
    r" someone| somebody| member of staff| staff| manager| supervisor| your team| the office| officer|"
    r" housing officer| the housing officer| customer services)\b"
    r"|\b(real|actual|live) (person|human|people)\b|\bhuman being\b"
    r"|\b(can|could|will) (someone|somebody|a person|you|a human)( not)?( just)? (call|ring|phone|look|check|"
    r"find|contact) (me|me up|my)\b|\bneed (someone|somebody|a person) to (ring|call|phone|contact) me\b"
    r"|\b(can|could|will) (someone|somebody|a person)\b[^.?!]{0,30}\b(ring|call|phone) me\b"
    r"|\b(ring|call|phone) me (instead|please)\b|\b(spoken|speak|talk|talked) to a manager\b"
    r"|\bget (a|an|some) (human|person|real person|real human|actual person) to (ring|call|phone|contact) me\b"
    r"|\b(give|get) me (a|the) (phone )?number (to|i can) (call|ring)\b"
    r"|\b(can|could|can'?t|couldn'?t) i( not)?( just)? (call|ring|phone) (you|someone|somebody|the office|"
    r"a person|a human|the (council|housing|repairs)( office| team)?)\b"
    # Asked for now, not told about ("they put me through to the wrong team"):
    r"|(^|[.!?]\s*|\b(just|please|pls|can you|could you|will you)\s+)(put|get|transfer) me through to\b"
    r"|(^|[.!?]\s*|\b(just|please|pls|can you|could you|will you)\s+)get me (a|the|your) (manager|supervisor|"
    r"person|human)\b"
    r"|^(human|agent|operator|a person|person|speak to (a )?person)\W*$"
    # "could i talk it through with someone on the phone", "come round and talk to me face to face"
    r"|\b(talk|go) (it|this|things) through with (someone|somebody|a person|an adviser|you)\b"
    r"|\b(talk|speak|chat)( to me| to someone| with someone| to somebody)? face to face\b", _I)
_TIMESCALES = re.compile(
    r"\bhow long\b|\bhow much longer\b|\b(am|are) (i|we) (supposed|meant|expected) to wait\b"
    r"|\bhow many (working )?days\b|\bhow (soon|quickly|quick|fast)\b"
    r"|\bwhen (will|would|do|can) (i|we|you|someone|somebody|it|this|they) (hear|get|be|have|know|expect|sort|fix)"
    r"|\btime ?scales?\b|\bdeadlines?\b|\bwhen (do|will) (i|we) (get|hear)\b"
    r"|\bwhen (are|is) (you|yous|someone|somebody|anyone|they|the \w+) (sending|coming|going to (come|send|fix))\b"
    r"|\bwhen i will (get|hear|know|have)\b|\b(are we |we )?talking (days|weeks|months) or (days|weeks|months)\b"
    r"|\b(is|will) (this|it|all this)( all)? (gonna |going to )?take (long|ages|forever)\b"
    # "does that make the repair take longer tho": whether complaining slows the work.
    r"|\b(make|makes|making) (it|the \w+|things|everything) take (any )?longer\b"
    r"|\b(slow|hold) (it|the \w+|things|everything) (down|up)\?"
    r"|\b(will|would|does|is) (it|this|that|the \w+) (take|be) (any |much )?longer\b",
    _I)
# A request for a person told as part of what happened.
_TOLD_ABOUT = re.compile(r"\b(asked|tried|wanted|rang|called|phoned|waited|begged|demanded) (to |for |and )?"
                         r"(speak|talk|get through)\b"
                         # "my husband deals with that, he did speak to someone": someone else, before.
                         r"|\b(he|she|they|my \w+) (did |has |had |have )?(speak|spoke|spoken|talk|talked) (to|with)\b",
                         _I)
_OMBUDSMAN = re.compile(r"\bombuds?m[ae]n\b|\bombudsperson\b", _I)
_WHAT_COUNTS = re.compile(
    r"\bwhat (counts|is|'?s) (counted |classed |classified )?(as )?(a )?complaint\b"
    r"|\b(treated|dealt with|handled|logged|recorded|classed|counted) as a complaint or\b"
    r"|\ba complaint or (as )?(a )?(service request|repair|request)\b"
    r"|\b(is|does) (this|that|it) (still )?(count|classed|class)\b"
    r"|\b(classed|counts?|count) as (a )?(complaint|repair)\b|\b(a )?complaint or (a )?(repair|request)\b"
    r"|\bsame as a complaint\b|\bis (this|it|that) (even |actually |really )?a complaint\b"
    r"|\bdoes a complaint count\b|\b(what'?s|wats|whats|wots) the difference\b"
    r"|\b(a )?complaint or (just |only )?(a )?(repair|request)\b"
    r"|\bwon'?t (look at|treat|take) it as a complaint\b"
    r"|\bis (this|that|it) (a|an actual|really a) complaint\b"
    r"|\bwhat('?s| is|s)( even| actually| exactly)? the difference\b"
    r"|\bdifference between (a |an )?(complaint|formal complaint) and\b"
    r"|\b(don'?t|do not|dont) (understand|get|know) the difference\b"
    r"|\b(stop being|become|turn into|count as) (my |a )?(complaint|(a )?different (kind|type|sort) of (report|case))\b"
    r"|\bis (it|this|that) not (a|already a) complaint\b"
    r"|\bwhat do(es)? (you|that) mean by (a )?complaint\b", _I)
_BOT = re.compile(
    r"\b(are|is) (you|this|it) (a |an |just a |some kind of )?(bot|robot|chat ?bot|computer|machine|ai|"
    r"automated|real person|real|human|person)\b|\byou'?re (a |an |just a )?(bot|robot|computer|machine|ai)\b"
    r"|\b(is|will|does) (a |an )?(real |actual )?(person|human|someone|somebody|anyone) (going to |gonna )?"
    r"(read|reading|see|seeing|look at|looking at|check)\b|\b(being )?read by a (computer|machine|bot|robot)\b"
    # "And who's going to read this, a human or another robot?"
    r"|\b(a |an )?(human|person)\b.{0,5}\bor (a |an |another |just a |some )?(bot|robot|computer|machine|ai)s?\b"
    r"|\bis (this|it) (going|sent|read|seen|getting) (to|by) (a |an )?(real person|human|person|real human|bot|robot)\b"
    r"|\byour (a |an |just a )?(bot|robot|computer|machine|ai)\b|\b(you|u)( are| r)? (a |an )?(robot|bot|chat ?bot)\b"
    r"|\b(real|actual|actually a|an actual) (person|human)\b.{0,30}\bor (a |an |just a |jist a )?"
    r"(bot|robot|computer|machine|ai)\b"
    r"|\b(am|have|was) i (even |actually |really |literally |just )?(been )?"
    r"(talking|talkin'?|speaking|chatting|typing) (to|with) "
    r"(a |an )?"
    r"(bot|robot|real person|person|human|machine|computer|ai)\b"
    # "is this like a real person typing or a bot": a person or a machine, asked in one breath.
    r"|\b(real|actual|live) (person|human)( being)?\b.{0,30}\bor (is (this|it) )?(a |an |just a |one of (your|those|"
    r"them|these) )?(bot|robot|computer|machine|ai)s?\b"
    r"|\b(bot|robot|computer|machine|ai)\b.{0,15}\bor (a |an )?(real |actual |live )?(person|human)\b",
    _I)

_TOPIC_PATTERNS = {OMBUDSMAN: _OMBUDSMAN, WHAT_COUNTS: _WHAT_COUNTS, BOT: _BOT, HUMAN: _HUMAN, TIMESCALES: _TIMESCALES}

# Harm to a person: a safeguarding concern inside any answer.
_HARM = re.compile(
    # (Threatened with court or eviction is the landlord's action, not harm: "threatened me with court".)
    r"\b(threaten(ed|ing|s)?(?!( me| us| them| him| her)? (with )?(court|eviction|legal|possession|action|"
    r"to (evict|take)))"
    r"|threats?(?! of (court|eviction|legal|possession))|(?<!smell )(?<!stench )(?<!it )(?<!that )(?<!this )"
    r"(hit|hits|hitting|punch(ed|ing)?|kick(ed|ing)?|slap(ped|ping)?|"
    r"strangl\w*|choke[ds]?|choking|push(ed)?(?! (her|him|them) (up|round|around|along|in|out|back|to|into)\b)|"
    r"shov(ed|ing)) (me|her|him|us|them|my|the (kid|child|baby)|"
    r"the children|his|their)\b|beat(s|ing|en)? (me|her|him|us|them|up)|"
    r"(attack|assault)(ed|ing|s)?|stab(bed|bing)?|knife|knives|machete|weapon|(?<!like a )(?<!like )gun\b|"
    r"(?<!i )(?<!we )(?<!i'm )(?<!im )(?<!n't )(?<!not )(going to|gonna|will|wants? to|said he'?d|said she'?d) "
    r"(kill|hurt|burn|get|batter|do) "
    r"(me|her|him|us|them|"
    r"you|my \w+|our \w+|the \w+|his \w+|her \w+)|"
    r"(hurting|hitting|smacking|beating|punching|kicking) (her|his|their|the|my) (kids?|children|child|baby|son|"
    r"daughter|boy|girl|wife|partner|husband|mum|dad)|"
    # ("yous know where i live anyway": the landlord, not a threat.)
    r"(?<!you )(?<!yous )(?<!u )(?<!you lot )(?<!ya )(?<!ye )(?<!youse )"
    r"(found out|knows|know) where (i|we) (live|am|are|stay)|sat outside (my|the|our) (house|flat|door|home)|"
    # Fire put through the door: "pushed something burning through my letterbox".
    r"(posted|pushed|put|shoved|threw|poured) (something |a rag |paper |petrol )?(burning|lit|alight|on fire|"
    r"petrol)[^.!?]{0,30}\b(letterbox|letter box|door|through it)|"
    r"watching (me|my house|my flat|the house)|smash(ed|ing)? (my|the|our|her|his) (window|door|car|windows)|"
    r"(scared|frightened|afraid|terrified) to (stay|go out|leave|be (here|home|alone)|go home|walk|go to school|"
    r"go to the shops?|take the kids)|"
    r"follow(s|ed|ing)? (my|our) (wife|husband|partner|daughter|son|kids|children|girls|boys|mum|mam|dad)\b|"
    r"(do|batter|kill) (me|him|her|us|them|you) in\b|(wi|with) a (baseball )?bat\b|"
    # "he'll 'sort him out'" is a threat; "sort him out" asked of us is not.
    r"(he'?ll|she'?ll|they'?ll|he will|she will|they will|gonna|going to|said (he|she|they)'?d|threatened to) "
    r"'?sort (me|him|her|us|them|you) out\b|"
    r"(taking|took|takes|stealing|stole|steals|helping (himself|herself|themselves) to) (money|cash|notes) "
    r"(out of|from) (his|her|their|\w+'s|my \w+'s) (purse|wallet|bag|account|bank|tin)|"
    r"kick(ed|ing)? (it|the door|my door|our door|the window) (in|down)|"
    r"(he'?s|she'?s|they'?re|someone'?s|is|are) (outside )?(again )?(now )?(kicking|banging on|trying to (kick|get) "
    r"(in|through)) (the|my|our) (door|window)|"
    r"kill (me|her|him|us|them|myself|himself|herself)|"
    # "he stood at me door shouting he'd put me through the window".
    r"put (me|him|her|us|them|you) through (the|a|my|me|his|her|your) (window|wall|door)|"
    # Someone hurt or terrified next door: "he screams at her most nights and last week i heard something
    # smash and her crying"; "i can hear her screaming right now through the wall".
    r"(screams|shouts|yells|screaming|shouting|yelling) at (her|him|his (wife|partner|girlfriend|kids)|her (husband|"
    r"partner|boyfriend|kids)) (most|every|all) (nights?|days?|the time)|"
    r"(heard|hear|hearing) (something|things|glass|stuff) (smash|break|being thrown)\w*[^.!?]{0,40}\b(crying|"
    r"screaming|scream)|"
    r"(hear|hearing|heard) (her|him|them|someone|somebody|a (woman|man|child|kid|baby)) (screaming|crying|being hit|"
    r"begging)\b[^.!?]{0,40}\b(right now|now|rn|as we speak)|"
    # ("I don't want to go on with this": the form, not a life.)
    r"suicid\w*|self[- ]harm\w*|(don'?t|do not) want to (be here|live|go on)( any ?more)?(?! with\b)|"
    r"end (it all|my life|it)\b(?= all| now)|want to die|better off dead|better off without me|"
    # "some nights i think everyone would be better off if i wasnt here".
    r"better off (if i (was|were)(n'?t| not| gone| dead)|if i (wasnt|werent)|with(out)? me gone)|"
    # "some nights I think it'd be easier if I wisnae here at all".
    r"(easier|better|simpler|best)( for (everyone|everybody|them|all|the kids))? if i (was|were|wis)(n'?t|nae|na| not) "
    r"(here|around|alive)\b(?! (to|when|for|in the|during|on|while)\b)|"
    # Violence from someone the resident knows, past or present: "my ex ... hes been violent before",
    # "photos of my arm where he grabbed me".
    r"(he|she|they|my ex|ex partner|ex-partner|ex husband|ex-husband|ex boyfriend|ex-boyfriend|my partner)"
    r"( has|'?s| have|'?ve| had|'?d| was| were| is| are| can be| gets| got)( been)? "
    r"(violent|physical|handy)( (before|with|to|towards|at) (me|us|her|him|them|the kids|before))?|"
    r"(grabbed|grabbing|punched|slapped|strangled|choked|headbutted|shoved|pushed|kicked) me\b|"
    # "the nite they cornered our kid on the stairs".
    r"cornered (me|him|her|us|them|(my|our|me) (kid|son|daughter|boy|girl|lad|child|wife|mum|mam|dad|nan))\b|"
    r"(he|she|they|someone|ex|partner|husband|boyfriend|neighbour)( has| had|'s|'d)? (hit|hits|hitting) me\b|"
    r"(grabbed|grabbing|twisted) (me )?(by )?(my|me) (arm|arms|wrist|neck|throat|hair)|"
    r"wish i (was|were) dead|wish i (wasn'?t|weren'?t) (alive|around any ?more|here any ?more)|"
    r"(hope|wish) i (don'?t|didn'?t|never|wouldn'?t) wake up|no reason to (live|go on|carry on|keep going)|"
    r"domestic (abuse|violence)|(abus|neglect|groom|exploit)(ed|ing|e|s)? (me|her|him|the (kid|child|children)|"
    r"my (kid|child|children|son|daughter|mum|mother|dad|father|nan|gran))|"
    r"(child|kid|baby|children) (is |are )?(at risk|in danger|being (hurt|abused|neglected))|"
    r"(he|she|they|someone)('s| is| are)? (hitting|beating|hurting|attacking) (her|him|them|me|someone)|"
    r"screaming for help|(scared|frightened|afraid) for (my|her|his|their) (life|lives|safety)|"
    # Someone being hurt or terrified next door now: "he's screaming at his girlfriend right now
    # and something just smashed, I'm scared for her"; "he's outside her door again shouting".
    r"(scared|frightened|afraid|terrified) for (her|him|them)\b(?! to)|"
    # A child hurt, or shouted at now: "he already hurt my son once", "he is on the stairs now
    # shouting at my son, my son is crying".
    r"(?<!not )(?<!n't )(?<!never )(hurt|injured|assaulted|attacked) (my|our) (son|daughter|kids?|child(ren)?|baby|boy|"
    r"girl|little one)s?\b|"
    r"\b(now|rn|right now|again)\b[^.?!]{0,30}\b(shouting|screaming|yelling|swearing) at (my|our) (son|daughter|kids?|"
    r"child(ren)?|baby|boy|girl|little one)s?\b|"
    r"(shouting|screaming|yelling|swearing) at (my|our) (son|daughter|kids?|child(ren)?|baby|boy|girl|little one)s?\b"
    r"[^.?!]{0,40}\b(now|rn|right now|crying|scared|terrified)\b|"
    r"(screaming|shouting|yelling) at (his|her) (girlfriend|boyfriend|wife|husband|partner|kids|children|mum|mam)\b"
    r"[^.?!]{0,30}\b(now|rn|right now|again)\b|"
    r"(outside|at) (her|his|my|our|the) (front )?door (again|now|rn|right now)\b[^.?!]{0,30}"
    r"\b(shouting|screaming|banging|kicking|crying|threatening)|"
    r"(scared|frightened|afraid|terrified) of (him|her|them|my (ex|partner|husband|boyfriend|wife|son|dad))|"
    r"my (ex|partner|husband|boyfriend|wife)( \w+)? (checks|controls|monitors|reads|watches) my|"
    r"(he|she) (checks|controls|monitors|reads|goes through) my (phone|messages|texts|e-?mails|money)|"
    r"(scared|frightened|afraid|terrified) (of )?what (he|she|they)('ll| will| might| would|'d) do|"
    # Money taken from someone who cannot stop it (financial abuse).
    r"(taking|takes|took|using|uses|used) (his|her|their|\w+'s) (bank card|money|benefits|pension|cash)|"
    # A neighbour nobody has seen for days; a child locked out at night (welfare concerns).
    r"(not|haven'?t|hasn'?t|no one has|nobody has|not) (seen|see|heard from) (her|him|them)\b[^!?]{0,40}"
    r"\b(days?|weeks?|curtains|post|milk)|lock(s|ed|ing)? (him|her|them|the (kids?|child|children|boy|girl)) out|"
    r"(he|she|they)('?d| would| will|'?ll) (kill|hurt|burn|stab|smash|batter|beat) |"
    # "he'll get me", not "he said he would get me through to the manager".
    r"(he|she|they)('?d| would| will|'?ll) get (me|you|her|him|us|them)\b(?! (through|put|back|a|an|the|some\w*|"
    r"sorted|in touch|on|to|in|out|onto|booked|seen|moved))|"
    r"kick(ed|ing)? (the|my|our|wor|her|his) door (in|down)|"
    # Someone at the door right now: "now the man is hitting the door again", "outside again rn kicking it".
    r"(kicking|hitting|banging on|smashing|bashing|punching) (the|my|our|wor|me) (front )?(door|window)s?\b"
    r"[^.?!]{0,30}\b(now|rn|right now|as we speak|(children|kids|bairns|baby) (are )?(crying|screaming))\b|"
    r"\b(now|rn|right now|as we speak)\b[^.?!]{0,40}\b(kicking|hitting|banging on|smashing|bashing) "
    r"(the |my |our |wor )?(front )?(door|window|it)\b|"
    r"being (exploited|groomed|abused|neglected|hurt|hit|"
    r"beaten|attacked|bullied|threatened)|followed me|following me|stalk\w*|"
    r"(bruises?|bruised|marks|burns) (on|all over) (him|her|them|the (kid|child|baby|boy|girl))|"
    r"(kids?|children|child|baby|toddler|girl|boy)( are| is| were| was|'?s been| has been| have been)? (left )?"
    r"(alone|on (their|his|her) own|unattended)|left (alone|on (her|his|their) own)"
    r"( all night| at night| overnight)?|needles|syringes|"
    r"(don'?t|do not|can'?t|cannot) see (the|any) point (in|of) (going on|living|carrying on|anything|any of it|"
    r"it all|life)|no point (in )?(living|going on|carrying on|being here)|"
    r"what'?s (even )?the point (in|of) (living|going on|carrying on|being here|any of it|it all)|"
    # "I don't think he should go home alone tonight if that man is there".
    r"(shouldn'?t|should not|can'?t|cannot|mustn'?t|(don'?t|do not) think (he|she|they|i|you|we) should) "
    r"(go|be|stay|walk|sleep)( home| back)? (alone|on (his|her|their|my) own)\b|"
    r"unsafe at home|locked (me|her|him) in|sexual(ly)? (assault|abuse)\w*|rape[ds]?|"
    # Thoughts of suicide however they are put: "thought about ending it", "ending her life".
    r"(thoughts?|thinking|thought|think) (of|about) (ending|taking) (it( all)?|(my|her|his|their) (own )?lives?)|"
    r"end(ing)? (my|her|his|their) (own )?(life|lives)|take (my|her|his|their) own life|"
    # A child alone, however the sentence runs: "the wee boy's in there on his own right now".
    r"(kids?|children|child|baby|toddler|girl|boy|lad|wean|little one)\b[^.?!]{0,25}\b(on (their|his|her) own|"
    r"by (himself|herself|themselves))|"
    r"(bruises?|bruised|marks|burns) (on|all over) (my|her|his) (arms?|face|neck|legs?|body|back|wrists?))\b", _I)
# No power where someone depends on medical equipment: an emergency whatever else is said.
_NO_POWER_FOR_CARE = re.compile(
    r"\b(power|electric\w*|lights?)\b[^.!?]{0,60}\b(off|out|gone|cut\w*|tripp\w*|down)\b[^!?]{0,100}"
    r"\b(oxygen|hospital bed|stair ?lift|dialysis|ventilator|hoist|nebuli[sz]er|medical equipment|feeding pump)\b"
    r"|\b(oxygen|hospital bed|stair ?lift|dialysis|ventilator|hoist|nebuli[sz]er|medical equipment|feeding pump)\b"
    r"[^!?]{0,100}\b(power|electric\w*)\b[^.!?]{0,40}\b(off|out|gone|cut\w*|tripp\w*|down)\b", _I)
# A medical emergency happening now: 999 first.
_MEDICAL = re.compile(r"\b(collapsed|unconscious|not breathing|can'?t breathe|heart attack|having a stroke|"
                      r"(oxygen|dialysis|ventilator|breathing) (machine|concentrator|equipment)|"
                      r"overdosed?|bleeding (heavily|badly|a lot)|seizure|"
                      # ("he sat with me till the ambulance came": told of as past.)
                      r"(?<!till the )(?<!until the )(?<!when the )ambulance(?! (came|arrived|took|had|left))|"
                      # A seizure, not a light fitting nor "fitting really".
                      r"(is|was|'s|started|starting|keeps|kept|been|he|she|they're) fitting|"
                      r"fitting (again|now|right now)|"
                      r"(has|'s) just (had a "
                      r"(bad )?fall|fallen)|just fell|fallen and can'?t get up|can'?t get up (off|from) the floor|"
                      r"not answering (the|her|his) door)\b", _I)
# Health at risk from the home itself: damp and mould with a child or someone struggling to
# breathe, or no heating with a baby or someone frail (Awaab's Law's emergencies).
_HOME_HEALTH = re.compile(
    r"(mou?ld|damp)[^!?]{0,100}\b(baby|newborn|toddler|child|kid|son|daughter|little one)\b[^!?]{0,80}"
    r"\b(cough\w*|wheez\w*|breath\w*|asthma|chest infection|hospital|poorly)\b"
    r"|\b(baby|newborn|toddler|child|kid|son|daughter|little one)('?s)?\b[^!?]{0,80}\b(cough\w*|wheez\w*|"
    r"breath\w*|asthma|chest infection|hospital|poorly)\b[^!?]{0,80}(mou?ld|damp)"
    r"|(mou?ld|damp)[^!?]{0,60}\b(baby|newborn|toddler|child|kid)('?s)? (room|bedroom)\b[^!?]{0,60}"
    r"\b(cough\w*|wheez\w*|breath\w*|asthma|poorly)\b"
    r"|\b(boiler|heating)[^.!?]{0,40}\b(packed in|broken|broke|not working|gone|died|bust|dead|off)\b[^!?]{0,80}"
    r"\b(baby|newborn|toddler|\d+ ?(week|wk|month|mth)s? old|elderly|disabled|oxygen|pregnant|frail)\b"
    r"|\b(no heating|no heat|freezing)\b[^!?]{0,80}\b(baby|newborn|toddler|\d+ ?(week|wk|month|mth|year|yr)s? old|"
    r"elderly|disabled|oxygen|pregnant|frail)\b"
    r"|\b(baby|newborn|toddler|\d+ ?(week|wk|month|mth|year|yr)s? old|elderly|disabled|pregnant)\b[^!?]{0,80}"
    r"\b(no heating|freezing|no heat)\b", _I)
# Signs of carbon monoxide with a smell, fumes or the boiler: "still smells, its getting stronger now
# and the baby's gone a bit sleepy".
_FUMES_AND_SYMPTOMS = re.compile(
    r"\b(smell\w*|fumes?)\b[^!?]{0,80}\b(drowsy|sleepy|dizzy|light-?headed|faint\w*|floppy)\b"
    r"|\b(drowsy|sleepy|dizzy|light-?headed|faint\w*|floppy)\b[^!?]{0,80}\b(smell\w*|fumes?)\b", _I)
# Heating a home with a gas oven or hob, or a barbecue indoors: carbon monoxide, 999 or the gas line.
_UNSAFE_HEAT = re.compile(
    r"\b(oven|hob|cooker|rings)\b[^.!?]{0,40}\b(on|open)\b[^.!?]{0,40}\b(to|for|so) (keep|stay|get|be) (us |her |him |"
    r"them |me |the \w+ )?(warm|warmer|heat)\b"
    r"|\b(heat|warm)(ing)? (up )?(the (flat|house|room|place|kitchen)|(her|him|them|our|my)sel\w*) (with|using|by|on) "
    r"(the |a )?(gas )?(oven|hob|cooker|rings)\b"
    r"|\b(bbq|barbecue)\b[^.!?]{0,20}\b(indoors|inside|in the (flat|house))\b"
    r"|\b(put|putting|turn\w*|leav\w*|have|got|had)( on)? (the )?(gas )?(oven|hob|cooker)( on)?[^.!?]{0,30}"
    r"\b((door|it) open|open\w* the (door|oven))\b",
    _I)
# No heat for someone old or frail, said in two sentences ("Since Sunday. I am 81 and the heating
# has not worked at all"): the two parts anywhere in the message.
_NO_HEAT = re.compile(r"\b(no (proper |real |working )?(heating|heat|hot water)|"
                      r"(heating|boiler|heaters?)( has| is|'s)? (not|n't|never|stopped) "
                      r"work\w*|(heating|boiler)('s| is| has| has been| been)? "
                      r"(off|gone|broken|packed in|packed up|died)|"
                      r"freezing|very cold|so cold|radiators?( \w+){0,3} (cold|freezing|not working)|"
                      # Cold told by how they live: "weve been sleeping in my coat in the front room".
                      # ("he sat in his coat for a week": told of as over.)
                      r"(sleep\w*|going to bed|living|sitting|sits|sit|been sat)( in there| there| here)? in "
                      r"(my|our|me|her|his|their) coats?|"
                      # "with one working radiator in December".
                      r"(only|just|with) one (working )?radiator\b(?! (is )?(cold|off|broken|not))|"
                      r"(wearing|wear|got|have|keep) (my|our|me|her|his|their) coats? on (inside|indoors|in bed|"
                      r"to bed|in the house|all day)|(wearing|wear) (my|our|me|her|his|their) coats? (inside|indoors|"
                      r"in bed|to bed|in the house)|"
                      r"(can|could) see (my|our|your|her|his|their) breath|"
                      r"([0-9]|1[0-5]) ?(degrees?|deg|°c?))(?!\w)", _I)
_FRAIL = re.compile(r"\b((i'?m|i am|she'?s|she is|he'?s|he is|aged|age|mum is|dad is|they'?re|who is|who'?s|"
                    r"(nan|nana|nanna|gran|granny|grandma|grandad|granddad|grandpa)('s| is)) "
                    r"(7[5-9]|[89]\d|1[01]\d)"
                    r"( years old)?|(7[5-9]|[89]\d|1[01]\d) (years old|year old|yr old)|elderly|frail|disabled|"
                    r"pregnant|newborn|baby|toddler|oxygen|dementia|bed ?bound|bed-bound|"
                    r"heart (failure|condition|problems?|disease)|copd|emphysema|"
                    # "My daughter is 2 years": a small child.
                    r"(daughter|son|child|kid|girl|boy|grandson|granddaughter|little one)('s| is)? "
                    r"([1-4]|one|two|three|four) (years?|yrs?|year old)|\d{1,2} months? old)\b", _I)
# A hazard happening now (Awaab's Law's emergency hazards, bot.intake.triage), less the lack of
# heating or hot water, which is urgent but not a danger to report to 999 on its own.
_NOT_AN_EMERGENCY_ALONE = re.compile(r"^\s*(no heating|no hot water)\s*$", _I)


@dataclass(frozen=True)
class Digression:
    topic: str
    strong: bool   # a phrase made for it, not only the classifier's view


def safety_in(text: str) -> str | None:
    """EMERGENCY or SAFEGUARDING when the words carry one, else None."""
    text = normalise(text)
    if _HARM.search(text):
        return SAFEGUARDING
    if _MEDICAL.search(text) or _HOME_HEALTH.search(text) or _NO_POWER_FOR_CARE.search(text) or \
            _UNSAFE_HEAT.search(text) or _FUMES_AND_SYMPTOMS.search(text) or (
            _NO_HEAT.search(text) and _FRAIL.search(text)):
        return EMERGENCY
    # ("no heating no hot water. and today i smell little bit gas": not the first hazard alone.)
    if any(not _NOT_AN_EMERGENCY_ALONE.match(hazard) for hazard in emergency_hazards(text)):
        return EMERGENCY
    return None


def _classifier(parse: Mapping[str, Any] | None) -> tuple[str | None, float]:
    if not parse:
        return None, 0.0
    intent = parse.get("intent") or {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
    if name == "nlu_fallback":
        ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
        if ranking:
            name, confidence = ranking[0].get("name"), float(ranking[0].get("confidence") or 0.0)
    return name, confidence


def word_count(text: str) -> int:
    return len(re.findall(r"[\w']+", text or ""))


def digression_in(text: str, parse: Mapping[str, Any] | None = None) -> Digression | None:
    """The digression a message is, if it clearly is one (see the module's docstring)."""
    said = normalise(text)
    if not said or said.startswith("/"):
        return None
    # A stop is read at the start; anywhere only in words that cannot mean anything else.
    # ("Cancel the bill. Simple as.": what is wanted, not a stop.)
    anywhere = re.search(r"\b(cancel|withdraw)\b(?! (the|this|that|my|our|his|her|their|a|an) (\w+ )?(bill|charge|"
                         r"invoice|recharge|fine|debt|fee|arrears|direct debit|standing order|carers?|appointment|"
                         r"visit|order|notice|section|eviction|tenancy))|\b(can|could) (we|i) (just )?stop\b"
                         r"|\bi don'?t think i want to\b"
                         r"|\bforget (about )?the whole thing\b|\b(not sure|don'?t think) i (want|wanna) to go ahead"
                         r"( now| any ?more)?\s*([,.!?;]|$)|" + _GIVEN_UP, said)
    stop = _STOP.match(said) or _STOP.search(said) if anywhere else _STOP.match(said)
    safety = safety_in(said)
    if stop and safety:
        return Digression(safety, True)
    for topic, pattern in _TOPIC_PATTERNS.items():
        found = pattern.search(said)
        if found and topic == HUMAN and _TOLD_ABOUT.search(said):
            continue  # "I asked to speak to a manager": what happened, not a request now
        # "don't send it yet, can I talk to someone first": the question after a stop decides.
        if found and (not stop or found.start() >= stop.end() - 1):
            return Digression(topic, True)
    if stop:
        return Digression(STOP, True)
    if safety:
        return Digression(safety, True)
    name, confidence = _classifier(parse)
    if name in SCREENED:
        return Digression(name, True)
    if name in TOPICS and name not in SAFETY and confidence >= 0.9:
        return Digression(name, False)
    if name in SAFETY and confidence >= 0.9 and word_count(said) <= 12:
        return Digression(name, False)
    return None


def is_short_digression(text: str, digression: Digression | None, words: int = 14) -> bool:
    """A digression that is the whole message, not a sentence of an answer that mentions one."""
    if digression is None:
        return False
    if digression.topic == STOP:
        return True
    said = normalise(text)
    # (A question without its mark: "..., am I talking to an actual human being or is this a computer")
    question = "?" in said or bool(re.search(
        r"\b(am i|are you|is this) (talking|speaking|chatting|typing|writing|a real|an actual|a bot|a computer)\b"
        r"|\b(i|we)( want| need| would like|'?d like) to know (how|where|who|what)\b", said))
    if word_count(said) <= words or (question and word_count(said) <= 2 * words):
        return True
    first = re.split(r"(?<=[.!?])\s+", said)[0]
    if digression.topic == HUMAN and _HUMAN.search(first) and re.search(r"\binstead\b", first) \
            and word_count(first) <= 2 * words:
        return True  # "can I talk to someone on the phone about this instead. typing is really hard for me"
    # Made only of such requests, however long: "I would rather speak to a person if it's all the
    # same. Can somebody ring me on the house phone?"
    pattern = _TOPIC_PATTERNS.get(digression.topic)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", said) if word_count(s) > 0]
    return pattern is not None and len(sentences) > 1 and all(
        (found := pattern.search(s)) and word_count(s[:found.start()]) <= 4 for s in sentences)


# Words of worry for someone's safety, or of someone who may be at risk, that the hazard and harm
# lists do not hold.
_WORRY = re.compile(r"\b(worr(y|ied|ying)|concern(ed|ing)?|vulnerable|welfare|wellbeing|well-being|not safe|"
                    r"on (his|her|their) own|all alone|not seen (him|her|them)|terrified|panick\w*|"
                    r"left (out|alone|outside)|locked (out|in)|crying|screaming|hungry|starving|no food|"
                    r"kids?|children|child|baby|babies|toddler|elderly|dementia|disabled|"
                    r"old (man|lady|woman|gentleman|couple|fella|boy|girl))\b", re.I)


def sounds_unsafe(text: str) -> bool:
    """Whether a message the classifier could not place says anything of danger, harm or worry
    for someone (its words, not only the classifier's ranking)."""
    return bool(mentions_danger(text) or safety_in(text) or _WORRY.search(text or ""))
