"""Yes, no or not sure: an answer to a yes/no question, read in the light of that question.

People rarely type a bare "yes" or "no". To "Are you making this complaint for someone else?"
they write "no, it's for me", "just me", "yes its for my mum", "she asked me to"; to "Is anyone
in danger right now?" "not at the moment"; to "Would you like to make a complaint?" "no I just
want it sorted". So each question has its own phrases, tried first, and then the plain ways of
saying yes and no ("yep", "go on then", "nah", "not yet"...). "Not sure", "idk", "can't remember"
are UNSURE and never taken as yes. None means the message says neither.

Word lists, not a model: what they decide is filed on a case, so staff must be able to read and
extend them. Pure functions.
"""
from __future__ import annotations

import re

from bot.intake.digressions import normalise

YES, NO, UNSURE = "yes", "no", "unsure"

_I = re.I | re.S
_FILLER = re.compile(r"^((um+|erm+|er+|uh+|hmm+|well|oh|ah|so|lol|lmao|lmfao|rofl|omg|haha|ha|hi|hello|right|ok so|"
                     r"o+h+|och|ooh+|aw+|pfft|jeez|duw|iesu|"
                     r"honestly|tbh|to be honest|sorry|and|but|god forbid|heaven forbid|chas v'?shalom|"
                     r"chas ve'?shalom|inshallah|mashallah|alhamdulillah)[\s,.!]+)+", _I)

_THINK_YES = re.compile(r"^(i think so|i believe so|i reckon so|think so|i guess so|i suppose so|suppose so|probably|"
                        r"most likely|pretty sure (yes|yeah|it is|they have|i have)|i'?m pretty sure)\b", _I)
_THINK_NO = re.compile(r"^(i (don'?t|do not|dont) think so|(i )?(don'?t|dont) think so|i doubt it|i think (no|not)\b|"
                       r"probably not|i don'?t believe so|not that i know of|not as far as i know|"
                       r"i don'?t think (they|you|we|anyone|anybody|it|she|he) (have|has|did|do|is|are)|"
                       r"pretty sure (not|no)|not to my knowledge|i don'?t think there (is|was)|"
                       r"i'?m pretty sure (not|no|they haven'?t|nobody))\b", _I)
# Doubt at the start of an answer: "not sure, someone rang me once?" is not a no.
_DOUBT_FIRST = re.compile(
    r"^(idk|dunno|d'?know|no idea|no clue|not (sure|certain|100 ?%)|no sure|nae sure|i'?m nae sure|unsure|"
    r"bit of both|can'?t (remember|rember|recall|say)|"
    r"cannot (remember|say)|don'?t (know|no|remember|recall)|dont (know|no)|do not (know|remember)|"
    r"i (don'?t|dont|do not) (know|no|remember)|i'?m not (sure|certain)|im not (sure|certain)|"
    r"kind of|kinda|sort of|sorta|both( really)?|a bit of both|half and half|yes and no|it depends|"
    r"depends|hard to say|couldn'?t (tell|say)|i can'?t say|not (really )?sure|no (idea|clue)|"
    r"possibly|maybe|perhaps|might (have|be|do)|could (have|be)|er+m* not sure|you tell me|"
    r"you('d| would| should) know|check (your|the) records|you'?ve got the records|only if|"
    r"do i (have|need|got) to|happen( it| they| she| he| i| we| you)?|(not bothered|don'?t mind) either way)\b", _I)
# Said plainly in the middle of a "yes": a yes in doubt is taken as not sure, never as yes.
# The choice left to us: "not bothered either way".
_EITHER_WAY = r"(not bothered|don'?t mind) either way"
_DOUBT_ANYWHERE = re.compile(
    r"\b(not sure|don'?t know if|dont know if|do not know if|dunno if|dunno whether|idk if|not certain|no idea if|"
    r"unsure|i think maybe|"
    r"can'?t (remember|say|be sure)|not 100|don'?t know what to (do|say)|(isn'?t|is not|wasn'?t) (sure|certain)|"
    r"(can'?t|cannot|can not) (tell|say|know)( you)? (if|whether|yet)|" + _EITHER_WAY + r"|"
    r"couldn'?t (honestly |really )?say|cannot (remember|recall|say)|"
    # "it comes and goes so i dunno what to press"; "I couldna tell you if it went in".
    r"(dunno|don'?t know|dont know|do not know|not sure|no idea) what to (press|pick|click|choose|put|answer|tick|say)|"
    r"(couldn'?t|couldna|cannae|can'?t|cant) (honestly |really )?tell (you )?(if|whether))\b", _I)
# Hedges that make a yes a guess where a yes would end the complaint process.
_HEDGED = re.compile(r"\b((she|he|they|mum|mam|dad|my \w+) thinks?|i think|"
                     r"(doesn'?t|doesnt|does not|didn'?t|don'?t|dont|do not) (know|remember|understand) "
                     r"(what|if|whether)|"
                     r"can'?t (find|read|remember)|might have|"
                     r"may have|could have|not sure)\b", _I)
# "...but that was a different thing": a final letter about another matter.
_ANOTHER_MATTER = re.compile(r"\b(that'?s|thats|it'?s|its|that is|it is) (a )?(diff|different|separate)\b"
                             r"|\b(different|another|separate|other) (thing|matter|problem|issue|complaint|neighbou?r|"
                             r"one|leak|repair|job|flat|house|address|property|landlord)\b|\bnothing to do with\b"
                             r"|\bthis (is|one is|one'?s) (a )?(new|different|separate)\b"
                             r"|\b(it'?s|its|that'?s|thats|it is) not about (the|this|my|our) \w+"
                             r"|\b(that|it) was (about|for)\b|\bfor that\b|\bnot (this|the same)\b"
                             r"|\b(that|it) was (about|for) (the|my|a) \w+,? not\b", _I)
# Ways of saying yes that start like a no.
_YES_DESPITE_NO = re.compile(r"^(no yeah|nah yeah|na yeah|no (problem|worries|bother|probs|prob)|not a problem|"
                             r"nothing against it|"
                             r"happy to|happy for (you|that|it)|fine by me|that'?s fine|thats fine|"
                             r"by all means|why not|i don'?t mind|dont mind|don'?t see why not)\b", _I)
# The questions whose yes ends the complaint process: a guess is recorded as not sure.
GUESS_IS_NOT_YES = ("already_investigated", "legal_proceedings")
_ASKED_BACK = re.compile(r"^[^.!?]{0,30}(so|yes|yeah)\?", _I)
# A guess put as a question: "i think they've started something?", "maybe it has?".
_STOPPED_FOR_NOW = re.compile(r"\b(stopped|quiet|gone|ok|okay|fine) (for now|at the moment|for the moment|for a bit|"
                              r"for a while|this week|today)\b|\b(hasn'?t|ent|ain'?t|not) happened since\b", _I)
# Permission that cannot be had yet: "she can't sign, she has dementia"; "he's in hospital".
_CANNOT_CONSENT = re.compile(r"\b(can'?t|cannae|cannot|cyaan|unable to) (sign|ask|understand|consent)\b|\bdementia\b"
                             r"|\b(can|could) (barely|hardly|not|n'?t) (hold a pen|write|sign)\b"
                             r"|\bin (the )?hospital\b|\b(lacks?|no) (mental )?capacity\b|\bin the rvi\b", _I)
_COMES_AND_GOES = re.compile(r"\b(comes and goes|on and off|off and on|now and (then|again)|who knows|give it time|"
                             r"wait and see)\b", _I)
# The answer given outright, wherever it is: "I have not received a final response. So the answer is no."
_VERDICT = re.compile(r"\b(?:the|my) answer (?:is|would be|will be|'?s)(?: a)? (?P<said>yes|no)\b"
                      r"|\bso (?:that'?s|thats) a no\b", _I)
# Asked whether what they had counts: "is that the final one?", "does that count as a final response?"
_DOES_IT_COUNT = re.compile(r"\b(is|was|would|does|do|did) (that|this|it|they|those)( letter| one)? "
                            r"(the |a |my |your )?"
                            r"(final|count|counts|mean|stage)\b[^.!]*\?", _I)
# A stage 1 answer only, not taken further: not the final response.
_STAGE_ONE_ONLY = re.compile(r"\bstage (one|1)\b(?!.{0,60}\bstage (two|2)\b)", _I)
# Only the acknowledgement came: "a letter sayin youd received it, nowt since".
_ACKNOWLEDGED_ONLY = re.compile(r"\b(letter|email|e-mail|text|card)\b[^.!?]{0,30}\b(saying|sayin|to say|that)\b"
                                r"[^.!?]{0,20}\b(received|got|had) (it|my|the|our)\b|\backnowledg\w*", _I)
_GUESS_ASKED_BACK = re.compile(r"^(i think|i reckon|i guess|i believe|think|maybe|probably)\b[^.!?]{0,60}\?", _I)
_CONFUSED = re.compile(r"\b(don'?t|dont|do not) (understand|get (it|what|the))\b|\b(wdym|wym|wtf is)\b"
                       r"|\b(what|wat|wot)( is|'?s| does| do you mean by| mean| you mean| do you mean)\b[^?]*\?", _I)
_UNSURE = re.compile(
    r"\b(idk|dunno|d'?know|no idea|no clue|not sure|unsure|not certain|can'?t remember|cannot remember|"
    r"can'?t recall|don'?t remember|do not remember|don'?t recall|(i )?(don'?t|dont|do not) know|"
    r"not 100 ?%?|hard to say|who knows|how (would|should|could) i know|not too sure|no idea tbh|"
    r"(your|ur) guess is as good as mine|"
    r"(couldn'?t|couldna|cannae) (tell|say)( you)?|"
    r"(can'?t|cant|cannot|can not) (say|tell|be) (for )?(certain|sure|exactly)|"
    r"(i'?m |i am )?(confused|not clear)|what do you mean|don'?t understand( the question)?|"
    r"(it |that )?(might|may|could) (have|be|of)|maybe|possibly|perhaps|might do|"
    r"(have to|need to|'d have to|would have to|will have to|'ll have to) (check|ask)( with)?)\b"
    r"|^\?+$|^(hmm+|erm+|um+)[\s.?]*$", _I)

_YES_START = re.compile(
    r"^(yes+|yeah+|yea|yeh|yep+|yup|yh|ya|yas|aye|ay|sure|ok(ay)?|okey|k|kk|correct|right|"
    r"absolutely|definitely|def|of course|certainly|indeed|affirmative|please(?!\W+(stop|cancel|don'?t|no)\b)|"
    r"yes please|"
    r"go on( then)?|go ahead|that'?s right|true|100 ?%|for sure|course|deffo|totally|defo|yy|y|ye|yeh|"
    r"obviously|clearly|naturally|too right|you bet|yessir|affirm|"
    # Welsh, for Welsh landlords' residents: "ydy, mae'n iawn" (yes, it's fine).
    r"ydy|ydw|ydyn|ydi|oes|ie|iawn|mae'?n iawn|mae'?n gywir)\b", _I)
_NO_START = re.compile(
    r"^(no+|nope|nah+|na|naw|nay|noo+|nay|n|not really|not at all|not yet|never|nvr|neva|negative|"
    r"none|nothing|no way|not|nobody|no one|noone|no-one|neither|nac ydy|nac ydw|nac oes|naddo)\b", _I)
_YES_ANYWHERE = re.compile(r"\b(yes|yeah|yep|yup|aye)\b", _I)
# The answer said last: "I'd like to know what's happening so yes".
_ENDS_YES = re.compile(r"\b(so|then|and)?\s*(yes|yeah|yep|yup|aye|please)"
                       r"(,? (really|tbh|like|though|i suppose|i guess|i'?d say))?[\s.!]*$", _I)
_ENDS_NO = re.compile(r"\b(so|then|and)?\s*(no|nope|nah|not really)[\s.!]*$", _I)
_NO_ANYWHERE = re.compile(r"\b(no|nope|nah|not yet)\b", _I)

_PEOPLE = (r"mum|mom|mam|mummy|mother|dad|father|parents?|nan|nana|nanna|gran|grandma|grandmother|granny|"
           r"grandad|granddad|grandfather|grandpa|son|daughter|kids?|child|children|baby|wife|husband|"
           r"partner|fianc\w*|brother|sister|bro|sis|aunt|auntie|aunty|uncle|cousin|niece|nephew|"
           r"friend|mate|neighbou?r|client|tenant|resident|constituent|relative|family( member)?|"
           r"in-?laws?|mother-in-law|father-in-law|boyfriend|girlfriend|lodger|service user|"
           r"grandson|granddaughter|stepmum|stepdad|step-?mother|step-?father|old lady|old man|"
           r"elderly (mum|dad|mother|father|neighbou?r|lady|man)")
_ROLES = (r"son|daughter|carer|career|advocate|councillor|mp|support worker|social worker|friend|"
          r"neighbou?r|brother|sister|grandson|granddaughter|nephew|niece|key ?worker|"
          r"power of attorney|next of kin|partner|wife|husband|mum|dad|mother|father|guardian|"
          r"representative|solicitor|keyworker")

# Each question's own phrases: (yes pattern, no pattern), tried before the plain yes and no.
_QUESTION_PHRASES: dict[str, tuple[str, str]] = {
    "on_behalf": (
        rf"\b(for|fir|on behalf of|behalf of|about)( my| our| a| an| the| me| ma)? ({_PEOPLE})\b"
        rf"|\bmy ({_PEOPLE})('?s)? (flat|house|home|place|bungalow|tenancy|complaint)\b"
        rf"|\b(he|she|they) (asked|wants|wanted) me\b|\bon (his|her|their) behalf\b"
        rf"|\b(i'?m|i am|im) (his|her|their|the) ({_ROLES})\b|\bsome(one|body) else\b"
        rf"|\b(i'?m|i am|im) an? (\w+ )?(advocate|support worker|social worker|councillor|key ?worker|appointee)\b"
        r"[^.!?]{0,20}\b(supporting|for|helping|representing|on behalf of)\b"
        rf"|\b(for|of) (him|her|them)\b|\b(it'?s|its|this is|it is) (his|her|their) (flat|house|home|tenancy)\b"
        rf"|^my ({_PEOPLE})\W*$|^my ({_PEOPLE})\.\s"
        r"|^\W*for (the|a|an|my|our|me) (old )?(lady|man|woman|gentleman|fella|bloke|chap|couple|lad|lass|girl|boy|"
        r"pensioner|person|people|family)\b"
        # "for mr tate, hes one of my clients"
        r"|^\W*(it'?s |its |this is )?for (mr|mrs|ms|miss|mx|dr)\.? [a-z]"
        r"|\b(one of )?my (\w+ )?(clients|constituents|service users|tenants|residents|patients)\b",
        r"\b(for )?(me|myself|meself)\b|\bjust me\b|\bmy own\b|\b(i'?m|i am|im) the tenant\b"
        r"|\b(it'?s|its) (for )?me\b|\b(it'?s|its) mine\b|\bme personally\b|\bmy (own )?(flat|house|home|place)\b"
        r"|\bi live (here|there|alone|on my own)\b|\bnobody else\b|\bno one else\b|\bwho else\b"),
    "share_details": (
        r"\b(give|giving|here'?s|here are|take|have|use) (you )?(my|me) "
        r"(details|number|e-?mail|name|contact|particulars)"
        r"|\bhappy (to|for you to) (give|share|be contacted|hear|contact)|\byou can (contact|ring|call|e-?mail|"
        r"text|reach) me|\b(please )?(contact|ring|call|e-?mail|text) me\b|\bi'?ll give\b|\bgive (my )?details"
        r"|\b(i )?(want|would like|need) (to (know|hear)|you to (contact|reply|get back))"
        r"|\bkeep me (updated|informed|posted)|\blet me know\b|\bget back to me\b|\bdetails\b(?! no)"
        r"|^(you can )?(take|have) (them|it)\b"
        r"|\bput me down\b|\bnothing to hide\b",
        r"\banon\w*|\banonymous\w*|\bstay (anon\w*|private|secret)|\brather not|\bprefer not|\bi'?d rather\b"
        r"|\bdon'?t want (to give|to share|to say|them|him|her|anyone|anybody|my name|it known|people)"
        r"|\bno (details|name)|\bkeep (me|my name|it|this|my details) (out|anonymous|private|secret|confidential)"
        r"|\bdon'?t (contact|call|ring|e-?mail|text|come round to) me|\bnot giving\b|\bwithout (my )?(name|details)"
        r"|(?<!mind them )(?<!mind people )(?<!mind you )\bknow(ing)? it was me\b|\bfind out it was me\b"
        r"|\bscared (he|she|they)'?ll\b|\bno thanks?\b"),
    "reuse_details": (
        r"\bsame\b(?![^.!?]{0,25}\b(but|except)\b)|^\W*(just )?use mine\b|\buse (them|those|the same|"
        r"my (old|earlier|previous|last))\b|\bwhatever (i|we) (put|gave|said|typed|used)\b"
        r"|\b(they'?re|they are|those are|that'?s|thats)( all)? (still )?"
        r"(right|correct|fine|the same|good|ok)\b|\bnothing'?s changed\b|\bnot changed\b|\bstill the same\b",
        r"\bdifferent\b|\bchanged\b|\bnew (number|phone|e-?mail|address|mobile)\b|\b(number|phone|e-?mail|"
        r"address|mobile)( is| has)? (different|changed|new|wrong)|\bbut my (e-?mail|number|phone|address|"
        r"mobile|name)\b|\bgive you (new|different|other)\b|\bnot (the )?same\b|\bupdate (them|my)\b"),
    "representative_consent": (
        r"\bpower of attorney\b|\b(lpa|poa)\b|\b(he|she|they)('?s| is| are)? (happy|fine|ok|okay|alright) "
        r"(for me|with (it|me|that))|\b(he|she|they) (agreed|said (yes|i can|it'?s fine)|asked me|wants me|knows)\b"
        r"|\bi (have|'ve got|got) (it|her|his|their|permission|consent|written)\b|\b(they|he|she)( has| have)? signed\b"
        r"|\bsigned (the|a|our|my|your|an?) (consent|authority|authorisation|permission|mandate)( form)?\b"
        # "Marcus signed our service's consent form, which covers housing".
        r"|\bsigned\b[^.!?]{0,30}\b(consent|authority|authorisation|permission) form\b"
        r"|\b(with|got|have) (her|his|their) (permission|consent|blessing)\b"
        r"|\bthey'?re (sat|sitting) (next to|with) me\b|\basked me to (handle|deal with|do|sort|take care of)\b"
        r"|\b(ask|asked|told|tell) (me|mi) (fi|to) (do|handle|sort|deal with|make|send)\b|\b(sitting|sat) next to me\b"
        r"|(?<!n't )(?<!not )\bagree(s|d)?\b"
        r"|\b(he|she)('?s| is) (here|with me|next to me|sat (here|next to me)|in the next room)\b"
        r"|\b(my \w+|she|he|they) (say|says|said) (ok|okay|yes|yeah|fine|it'?s (ok|okay|fine))\b",
        r"\bnot yet\b|\bnot in writing\b|\bnothing (in writing|on paper|written( down)?)\b"
        r"|\b(i'?ll|will|can|going to|gonna|need to|have to|i'?d have to) (get|ask|tell|check with)\b|\bnot know yet\b"
        r"|\b(he|she|they) "
        r"(doesn'?t|does not|don'?t|do not) know\b|\bhaven'?t (asked|got)\b|\bnot (signed|written)\b"
        r"|\b(i'?ve|ive|i have|ah'?ve|have) not asked\b"
        r"|\b(haven'?t|have not|not) (mentioned|told|spoken|talked|said)( it| anything)? (to|about it to|with) "
        r"(her|him|them|my \w+)\b"),
    "in_danger": (
        r"(?<!nobody)(?<!no one)(?<!noone)(?<!nobody's)(?<!no one's)\b(right now|at the moment|as we speak|atm)\b"
        r"(?<!not right now)(?<!not at the moment)"
        r"|(?<!nobody)(?<!no one)(?<!noone)\b(is|are|'s) in danger\b|\bhe'?s got a (knife|weapon|gun)\b"
        r"|\b(hitting|attacking|beating|"
        r"threatening) (her|him|them|me|us|someone)\b|\bcall(ing)? (the )?police\b|\bneed help now\b"
        # "Only Bill if he tries the stairs himself when the lift's out": someone, at times.
        r"|^(only|just) (\w+|my \w+|the \w+) (if|when|whenever)\b",
        r"\b(nobody|no ?one|no-one)('?s| is| are)? in danger\b|\bjust (noise|music|shouting)\b"
        r"|\b(not|isn'?t|aren'?t|no longer) in (any )?(immediate )?danger\b"
        r"|\b(not|isn'?t|aren'?t|n't) doing anything\b"
        r"|\bnot (right )?now\b|\bnot at the moment\b|\bnot (currently|at present|today)\b|\b(everyone|we|i|"
        r"they|he|she|the kids)('?s|'?re| is| are| am)? (fine|ok|okay|alright|safe)\b|\bno ?one (is|'s)\b"
        r"|\bnobody (is|'s)\b"),
    "complaint_choice": (
        r"\b(make|log|raise|put in|file|lodge|do|want to make) (a |the |an official |a formal )?complaint\b"
        r"|\b(i )?(want|wanna|would like|'d like) to complain\b|^complain\b|\byes,? complain\b"
        r"|\btoo right\b|\bdamn right\b|\bdefinitely complain|^complaint,? (please|pls|yes)\b",
        r"\bcarry on\b|\bjust (want|need|wanted|like) (it|them|this|that|the \w+|him|her|someone)\b"
        r"|\b(no|don'?t) need\b|\bnot (a |to )?complain\w*\b"
        r"|\b(don'?t|do not) want to (complain|make a (complaint|fuss)|cause (a )?(fuss|trouble|bother|problems))\b"
        r"|\b(don'?t|do not) like to (complain|make a fuss|moan|cause (a )?fuss)\b"
        r"|\bno fuss\b|\bjust (get|have) it (fixed|sorted|done)|\bit'?s fine\b|\bleave it\b"
        r"|\bjust (fix|sort|repair|mend|do) (it|them|this|that|the \w+)\b|\bno point (in )?complain\w*"
        r"|\brather not (make a fuss|complain|make a complaint)\b|\bnot (make|making) a fuss\b"
        r"|\bjust (the|a) (repair|job|fix|work)( done| doing| sorting)?( please| thanks)?\W*$"
        r"|\b(don'?t|do not) want to get (anyone|anybody|someone|somebody|them|him|her) (into|in) trouble\b"),
    "already_investigated": (
        r"\b(you|they|u)( have| did| had|'ve)? (already )?(investigated|looked into it|"
        r"sent (me )?(a|the|your) final (response|letter|reply|decision))\b"
        # "no final letter came", "never got a final response": a no, not a yes.
        r"|(?<!no )(?<!not a )(?<!not the )(?<!never got a )(?<!never had a )(?<!never got the )"
        r"\bfinal (response|reply|decision|letter|answer)\b(?! ?(yet|never))"
        r"|(?<!never )(?<!not )(?<!n't )(?<!nt )\b(got|had|received) (a|the|your) (final )?(response|reply|letter|"
        r"decision)\b"
        # Stage 2 answered, not only asked for: "said it would go to stage two" is no final response.
        r"|\bstage (2|two) (response|decision|letter|reply|answer|outcome)\b"
        r"|\b(done|did|finished|completed|been through|went through|gone through) (the )?stage (2|two)\b"
        r"|\bstage (2|two) (is|was|has been) (done|finished|over|complete|completed)\b"
        r"|\bthis is (my )?(second|2nd|another) complaint\b"
        r"|\bstage (1|one) and (stage )?(2|two)\b[^?]*\b(both|letters|responses|replies|answers)\b"
        r"|\bgot both (letters|responses|replies)\b",
        r"\b(nobody|no ?one|no-one|you|they|u)( has| have|'ve| had)? (never|not|n'?t)\b.{0,30}(investigat|looked|"
        r"respond|repl|got back|done anything|did anything)"
        r"|\b(nobody|no ?one|no-one)( has| have)?( ever| even| actually|"
        r" really| yet)? (investigated|looked into|responded|replied|got back|done anything|did anything|came)\b"
        r"|\bnothing final\b|\bnot (the |a )?final\b|\bno final\b"
        r"|\bfirst time\b|\bnever (complained|complain|reported|heard|had|got)\b|\bthis is (the|my) first\b"
        r"|\bnot (yet|been investigated|investigated)\b|\bhaven'?t (complained|heard|had|got)\b"
        r"|\bnothing (yet|back)\b|\bstill waiting\b|\bno response\b|\bno reply\b"
        r"|\bnever (i )?(receive|received|got|get|had) (a |any |the )?(letter|response|reply|answer)\b"
        r"|\bthis (one )?is different\b|\bnever (make|made|put in|did|done) (a |any )?complaints?\b"
        r"|\b(never|not|n'?t) (put|made|make|raised|logged|lodged) (a |any )?(formal |proper )?complaints? in\b"
        r"|\bnever (made|put in|raised|did) (a |any )?(formal|proper|official|real) complaints?\b"
        # A stage 1 answer is not the final response: "a letter saying stage one, that's all".
        r"|\bstage (one|1)\b(?! and)(?!.{0,30}\bstage (two|2)\b)|\b(first|1st) stage\b(?!.{0,30}\bstage (two|2)\b)"
        r"|\b(replied|responded|answered|wrote back)( to)? (my|the) first (complaint|stage|letter)\b"
        r"|\b(have|has) not (heard|had|got)\b"
        r"|\b(different|another|separate|other) (thing|matter|problem|issue|complaint|neighbou?r|one|leak|repair|job)\b"
        r"|\bthis (one )?is about (the|a|my)\b"
        r"|\b(nowt|nothing|not a thing|heard nothing|heard nowt) since\b|\backnowledg\w*"
        r"|\b(letter|email|e-mail|text|card)\b[^.!?]{0,30}\b(saying|sayin|to say|that)\b[^.!?]{0,20}"
        r"\b(received|got|had) (it|my|the|our)\b"
        r"|\b(nobody|no ?one|no-one|you|they|u)('s| has| have|'ve)? (ever |even )?(sent|written|wrote|given)"
        r" (me |us )?(anything|owt|nothing|a thing)\b"
        r"|\b(never|not|n'?t) (ever )?(sent|written|wrote) (me |us )?(anything|owt|a thing|back)\b"
        # "I complained about something else last year, the fence, but not this".
        r"|\b(something|summat) else\b|\bbut not (about )?this\b|\bnot (about )?this (one|problem|issue|matter)\b"
        r"|\bnothing formal\b"
        # "lady say sorry. No letter, nothing.": only a word on the phone.
        r"|\bno (letter|letters|writing|paperwork)\b"),
    "legal_proceedings": (
        r"\b(solicitor|lawyer|claim)s?( has| have| is| was|'s been| has been| was)? (issued|filed|lodged|started|taken|"
        r"submitted)"
        r"|\b(it'?s|its|it has|it'?s already) (gone|been) to court\b|(?<!no )(?<!not a )(?<!any )"
        r"\bcourt (case|hearing|date|papers)\b"
        r"|\b(taking|taken|took) (you|them|it) to court\b"
        r"|\b(started|issued|filed|lodged) (a |the )?(court |legal |disrepair )?(claim|proceedings|case)\b"
        r"|(?<!nothing )(?<!not )(?<!nowt )\bin court\b|\bclaim in\b|\bsmall claims\b"
        r"|\bcounty court\b"
        r"|\btribunal\b|\bdisrepair claim\b|\b(issued|made|put in|lodged) a claim\b"
        r"|\b(sent|send|filed|put|lodged) (in )?(the )?papers (in )?(to|at|with) (the )?court\b",
        r"\bnothing'?s? (been )?(filed|issued|started|signed)\b|"
        r"\b(aint|ain'?t|not|haven'?t|have not|never|didn'?t|did not) (yet )?signed (anything|owt|nothing|up|yet)\b|"
        r"\bno (lawyers?|solicitors?|court|claims?|legal)\b|\bi (don'?t|do not) have\b|"
        r"\b(has|have) not done anything\b|\bhasn'?t done anything\b|"
        r"\bnot yet\b|\bthinking (about|of)\b|\bconsidering\b"
        r"|\bmight\b(?! have (started|issued|filed|put|lodged|begun))"
        r"|\bhaven'?t\b|\bnothing (has been )?"
        r"(filed|issued|started)|\bnot (gone|been) to court\b|\bno court\b|\bnot (started|issued|filed)\b"
        r"|\bspoke(n)? to (a )?solicitor but\b|\bnot at this (stage|point|time)\b"
        r"|\b(did not|didn'?t|have not|haven'?t|not) (go|gone|been)( there| to (one|him|her|them))? yet\b"
        # Talking to a solicitor or a law centre is not a claim ("had a word with a solicitor but
        # nothing come of it").
        r"|\blegal aid\b|\b(been to see|seen|seeing|went to see) (a |the )?(solicitor|lawyer)\b"
        r"|\b(only|just) for advice\b|\bnothing to do with (this|the|that|it)\b"
        r"|\b(had a word|had a chat|spoke|spoken|speak|talk|talked|been|asking|asked|contacted) (with|to)? ?(a |the )?"
        r"(solicitor|lawyer|law centre|citizens advice|shelter)|\badvice only\b|\bletter before (claim|action)\b"
        r"|\bnothing (came|come|has come) of it\b|\bnothing (in|at|gone to|been to) (the )?court\b"
        r"|(\bnot|n'?t|\bnae) (taking|going to take|gonna take|suing|taken) (anyone|anybody|you|them|it)\b"
        r"|\bno (proceedings|legal action|claims?|case)( has| have)?( been)?( issued| started| filed| brought)?\b"
        r"|\b(taken|took|got|had|get|getting) (some )?(legal )?advice\b"
        # A claims firm's letter thrown away: "had a letter off one of them no win no fee lot but binned it".
        r"|\b(binned|ignored|chucked|threw away|thrown away|bin|ignore) (it|them|the letter)\b"),
    "still_happening": (
        r"\bstill\b(?! not)|\bongoing\b|\bon ?going\b|\bevery (day|night|week|morning|evening)\b|\bgetting worse\b"
        r"|\bon and off\b|\boff and on\b|\bcomes and goes\b|\bnow and (then|again)\b|\bagain\b"
        r"|\b(hasn'?t|has not|have not|haven'?t|isn'?t|is not|not been|never been|never got|wasn'?t|was not)"
        r" ?(stopped|gone|been fixed|been sorted|fixed|sorted|resolved|repaired|dealt with|cleared)\b"
        r"|\bconstantly\b|\ball the time\b|\bcontinu\w+\b|\bworse\b|\bas we speak\b|\bright now\b|\bspreading\b"
        # Heard or seen just now: "The dog is barking as I type this", "heard them scratching at 2 this morning".
        r"|\bas i (type|write|speak)\b|\b(heard|hear|saw|see|smelt|smell)\b[^.!?]{0,40}\b(this morning|last night|"
        r"an hour ago|earlier today|today)\b"
        r"|\bcoming back\b|\bkeeps (happening|coming|going)\b|\b(remains?|is|still) unresolved\b"
        r"|\b(started|kicked off|began|begun|come back|came back) (up )?again\b"
        r"|\b(not|isn'?t|never) (finished|over)\b|\bnever is\b"
        r"|\bremains? (a problem|the same|ongoing)\b|\b(whenever|every time|each time) it rains\b"
        # "not stopped at all"; "has it heck"; Norfolk "that hent stopped"; "aint stopped".
        r"|\b(not|never|hent|hant|aint|ain'?t) (stopped|gone away|been fixed)\b|\bhas it (heck|hell|eck|eckers)\b"
        r"|\b(it'?s|its|still|all|it is) (just )?(the )?same\b|\bnothing('?s| has)? changed\b|\bno change\b"
        r"|^\W*(just |the )?same as (before|ever|always|it was|last time)\b"
        # "the lock still not working", "most days", "yeah obviously, it's not gonna go away on its own".
        r"|\bstill (not|n'?t) (working|fixed|sorted|done|repaired|mended|right)\b"
        r"|\bmost (days|nights|weeks|of the time)\b"
        r"|\b(yeah|yes|yep|aye) obviously\b|\bnot (gonna|going to) (just )?go away\b|\bas (i|ah) (type|write|speak)\b"
        r"|\bthe noo\b",
        r"(?<!if )(?<!whether )\b(it'?s|its|it has|it was|has|they|he|she)( been| finally| now)* (stopped|fixed|sorted|"
        r"resolved|repaired|gone|moved( out| away)?|dealt with|cleared)\b|\bnot any ?more\b|\bno longer\b"
        r"|\bone[- ]off\b|\b(only|just) (the )?once\b"
        # "The lift is working at present", "the water stop now", "I dont see them 4 days".
        r"|\b(is|'s|are) (working|fixed|fine|ok|okay|sorted)( again)? (at present|now|at the moment|for now)\b"
        r"|\b(stop|stops) now\b"
        r"|\b(don'?t|didn'?t|haven'?t|not) (see|seen|hear|heard) (them|it|him|her|any)( since| for)? "
        r"(\d+|a few|few|a couple of|couple of) (days|weeks|nights)\b"
        r"|\b(it'?s|its|it is) away now\b|^now (it )?(is|it'?s|its) (ok|okay|fine|alright|all right)\b"
        r"|(?<!n't )(?<!nt )(?<!not )(?<!never )(?<!if its )(?<!if it's )(?<!whether its )(?<!if it has )"
        r"\bstopped\b(?!\s*\?)|\bover now\b"
        r"|(?<!not )(?<!n't )(?<!never )\bfinished\b|\ball (good|fine|sorted) now\b|\bceased\b"
        r"|\b(thankfully|luckily|fortunately) not\b|\b(been )?(fine|ok|okay|alright|quiet) (ever )?since\b"
        r"|\b(it|is) stop\b|\bfinish now\b|\b(is|it'?s|its) finish\b|^now,? no\b"
        r"|(?<!not )(?<!n't )(?<!never )\bworking (again|now|fine|properly|ok|okay)\b"
        r"|\bstop(ped)? (last|yesterday|on|since)\b"
        r"|\bnothing (more|else|further)?\s*(has )?happened\b|\bhasn'?t happened (again|since)\b"
        r"|\b(?!nothing|nowt|none|nobody|what|that|there|who)[a-z]+'s( been| now| finally)* "
        r"(fixed|sorted|repaired|mended)\b"),
}
_PHRASES = {question: (re.compile(yes, _I), re.compile(no, _I))
            for question, (yes, no) in _QUESTION_PHRASES.items()}
# Phrases that say "yes" or "no" plainly whatever the question.
_PLAIN_NO = re.compile(r"\b(not yet|no thanks?|no thank you|not really|definitely not|certainly not|"
                       r"wouldn'?t dream of it|(good )?heavens,? no|god,? no|lord,? no|goodness,? no|gosh,? no|"
                       r"hell,? no|blimey,? no|crikey,? no|"
                       r"absolutely not|of course not|nope|nah)\b", _I)


def doubtful(said: str) -> bool:
    """Whether an answer starts with doubt ("not sure, ...", "dunno really", "can't say")."""
    return bool(_DOUBT_FIRST.search(_FILLER.sub("", normalise(said)).strip(" .!,")))


def unsure_anywhere(said: str) -> bool:
    """Whether an answer says plainly somewhere that the resident does not know ("Dad can't
    remember and I'm honestly not sure either")."""
    said = normalise(said)
    return bool(_DOUBT_ANYWHERE.search(said) or _UNSURE.search(said))


_PLAIN = re.compile(r"^(yes+|yeah+|yep+|yup|aye|no+|nope|nah+)\b\W*(and|but|,|-|\.|!|$)", _I)


def plainly_said(text: str) -> bool:
    """Whether the answer opens with a plain yes or no ("yes and I've been to the ombudsman")."""
    return bool(_PLAIN.search(_FILLER.sub("", normalise(text))))


def from_question_phrase(question: str, text: str) -> bool:
    """Whether the question's own phrases (not only a plain yes or no) say the answer."""
    phrases = _PHRASES.get(question)
    said = _FILLER.sub("", normalise(text))
    return bool(phrases and (phrases[0].search(said) or phrases[1].search(said)))


def read(question: str, text: str) -> str | None:
    """YES, NO or UNSURE for the message as an answer to the yes/no `question`; None when it
    says neither."""
    # ("Jo: yes, Darren asked me to help": a support worker's name before what they type.)
    said = _FILLER.sub("", re.sub(r"^[a-z]{2,12}:\s+", "", normalise(text))).strip(" .!,")
    if not said:
        return None
    phrases = _PHRASES.get(question)
    if question == "on_behalf" and re.search(r"\bboth( of us| of them)?\b", said) and phrases \
            and phrases[0].search(said) and phrases[1].search(said):
        return UNSURE  # "it's my mam's tenancy but I live here too, so both of us really?"
    if re.match(r"(kinda|kind of|sort of|sorta)\W", said) and phrases and phrases[0].search(said) \
            and not phrases[1].search(said) and not _DOUBT_ANYWHERE.search(said):
        return YES  # "kinda, its for my nan but im typing it": the hedge is about the typing
    if question == "share_details" and re.match(r"(maybe|probably|perhaps|think it'?s) (better|best) not\b", said):
        return NO  # "maybe better not, I dont want problems with anybody": anonymous
    if _DOUBT_FIRST.search(said) or re.search(r"(\bso|,)\s*(i )?(dunno|idk|don'?t know|not sure|no idea)[\s.!?]*$",
                                              said) or re.search(r"[.!,]\s*(maybe|perhaps|possibly)\s*\?+$", said):
        return UNSURE  # "its my mams tenancy but its me n my boy that lives here so dunno"
    if re.search(rf"\b({_EITHER_WAY}|do not mind either way)\b|\bwhatever('?s| is) (easiest|best|easier) for "
                 r"(you|yous)\b", said):
        return UNSURE  # "i dont mind either way whatever is easiest for you": the choice left to us
    if question == "still_happening" and re.search(r"\b(stopped|fixed|sorted|gone)\b[^.!?]*[.!?]?\s*\bbut\b[^.!?]*"
                                                   r"\bstill\b(?! not)", said):
        return YES  # "the water has stopped... but the gutter is still hanging off": not over
    if question in GUESS_IS_NOT_YES and re.search(r"\b(i'?d|i would|i will|i'?ll|i)( have| need)? to (check|look|go "
                                                  r"through|dig out|find|ask|double[- ]?check)\b"
                                                  r"|\b(i'?ll|i will) (double[- ]?check|check|ask|find out)\b", said) \
            and not re.match(r"(yes|yeah|yep|aye|no|nope|nah)\b", said):
        return UNSURE  # "Not that I'm aware of, I'd have to go through her paperwork": not known
    if question == "reuse_details" and re.search(
            r"\b(rather|prefer|better if|can|could) (you|u) (use|used|ring|rang|call|called|text|email|e-mail)\b"
            r"[^.!?]*\b(this time|instead|house phone|landline|home (phone|number)|work (phone|number|email))\b", said):
        return NO  # "I'd rather you used the house phone this time": other details, to give them
    if question == "representative_consent" and re.search(
            r"\b(i'?ll|i will|i shall|i'?m going to|gonna|going to) (get|obtain|ask (her|him|them) for|sort)\b", said) \
            and not re.search(r"\b(yes|already|have got|i have|i'?ve got)\b", said):
        return NO  # "I shall obtain it from her at my surgery on Saturday": not yet
    if question == "representative_consent" and re.search(
            r"\b(haven'?t|hasn'?t|have not|has not|not|never)( yet| actually)? (signed|put (it |anything )?in writing|"
            r"written (it )?down)\b|\bnothing (signed|in writing|written down)( yet)?\b|\bnot in writing\b", said):
        return NO  # "He's said he's happy for me to, but we haven't signed anything": no written agreement yet
    last = re.split(r"(?<=[.!?])\s+", said)[-1]
    if question in GUESS_IS_NOT_YES and len(re.split(r"(?<=[.!?])\s+", said)) > 1 and re.match(
            r"(naw|no|nah|nope|na)\W+(obviously|of course|course|definitely)? ?not\W*$|(obviously|of course) not\W*$",
            last):
        return NO  # "Aye, I've got my lawyers on speed dial. Naw, obviously not.": the yes was sarcasm
    if re.match(r"(my |me |her |his )?(dad|mum|mam|mother|father|nan|gran|son|daughter|husband|wife|partner|he|she|"
                r"they|client)( says|'s saying| said)( that'?s)? (no|yes)\b", said):
        return YES if re.search(r"\bsaid (that'?s )?yes\b|\bsays?( that'?s)? yes\b", said) else NO  # "Dad says no."
    if question == "on_behalf" and re.search(r"\b(so )?both( really| of us)?\s*\?+\W*$", said):
        return UNSURE  # "It's Ken who needs the shower but it's my name on the tenancy... so both?"
    if question == "share_details" and said.rstrip(" .!").endswith("?") and re.search(
            r"\b(will|would|do) (you|u|they) (tell|give|show) (her|him|them|the neighbou?rs?)\b[^?]*\?"
            r"|\bwill (she|he|they) (know|find out)\b[^?]*\?", said):
        return UNSURE  # "I am scared she will know it was me. Will you tell her my name?": asked before choosing
    if question == "reuse_details" and re.search(r"\bsame\b[^.!?]{0,30}\b(but|except)\b", said):
        return NO  # "the same e-mail but my number has changed": different details, to give the new one
    if question == "reuse_details" and re.search(r"\bwhatever (i|we) (put|gave|said|typed|used)\b", said) \
            and not re.search(r"\b(changed|different|new)\b", said):
        return YES  # "whatever i put before, cant remember what i put but thats fine": the same, unseen
    if _YES_DESPITE_NO.search(said):
        return YES
    verdict = _VERDICT.search(said)
    if verdict:
        return YES if verdict.group("said") == "yes" else NO  # "...no final response. So the answer is no."
    if question in GUESS_IS_NOT_YES and _DOES_IT_COUNT.search(said):
        return UNSURE  # "i got a letter saying sorry, is that the final one?": asked, not told
    if question in GUESS_IS_NOT_YES and re.match(r"(if|what if|suppose|say)\b[^?]*\?", said):
        return None  # "If it has already been through stage 2, can she go to the Ombudsman?": a question
    if question not in GUESS_IS_NOT_YES and re.search(r"\bthat'?s a yes\b", said) and not re.search(
            r"\b(not|n't)\b[^.?!]{0,10}that'?s a yes", said):
        return YES  # "I think so? She said do whatever's best, so I suppose that's a yes"
    if question == "complaint_choice" and re.search(r"\b(will|would|could|does|do) (it|this|that|a complaint|"
                                                    r"complaining) (get (me|us)|make|cause|affect|count against|"
                                                    r"go against)\b", said) \
            and not re.search(r"\?[^?]*\b(yes|yeah|yep|aye|no|nope|nah|go on then)\W*$", said):
        # ("Would it make the slightest difference? Fine. Yes.": answered after asking.)
        return UNSURE  # "will it get me in trouble? I don't want them thinking I'm causing hassle"
    if question == "in_danger" and re.search(r"\bi think (she|he|they|someone|somebody|we|i|my \w+) (might|may|could) "
                                             r"be\b", said) and not _NO_ANYWHERE.search(said):
        return YES  # "i think she might be, there was loads of banging": the advice errs towards a yes
    if question in GUESS_IS_NOT_YES and re.search(r"\bi (don'?t|dont|do not) think( so)?\s*\?", said):
        return UNSURE  # "I got a stage one response in September. It's not final I don't think?"
    if question == "share_details" and re.match(r"^\W*(if|what if|say) (i|we) [^?]*\?\W*$", said):
        return UNSURE  # "if i stay anonymous can u still do anything about it?": asked before choosing
    if _GUESS_ASKED_BACK.search(said) or re.search(r"\b(maybe|probably|prob)\b [^.!?]{1,40}\?", said):
        return UNSURE  # "I think it's stopped? haven't heard it since Saturday": a guess
    if _THINK_NO.search(said) or re.search(r"\bso,? i think (no|not)( now| any ?more)?\W*$", said):
        # Asked back ("i don't think so? he's never actually hit anyone"), a guess either way.
        return UNSURE if _ASKED_BACK.search(said) or _DOUBT_ANYWHERE.search(said) else NO
    if _THINK_YES.search(said):
        # A guess is not a yes where a yes ends the complaint process (the Code: exclusions only
        # on clear answers), nor anywhere when it is asked back: "I think so? ...".
        if question in GUESS_IS_NOT_YES or _ASKED_BACK.search(said) or _DOUBT_ANYWHERE.search(said):
            return UNSURE  # (and "I think so. Did I give my number? I cannot remember what I typed")
        return YES
    # "what is court claim? no solicitor, none of that": a no after the question still answers it.
    no_after_question = "?" in said and bool(phrases and phrases[1].search(said[said.index("?"):]))
    if _CONFUSED.search(said) and not (_YES_START.search(said) or _NO_START.search(said) or no_after_question):
        return UNSURE  # "What is final response? I don't understand" names the yes phrase
    yes_phrase = bool(phrases and phrases[0].search(said))
    no_phrase = bool(phrases and phrases[1].search(said))
    starts_yes, starts_no = bool(_YES_START.search(said)), bool(_NO_START.search(said))
    unsure = bool(_UNSURE.search(said))
    if unsure and not (yes_phrase or no_phrase) and not (starts_yes or starts_no):
        return UNSURE
    if question == "representative_consent" and _CANNOT_CONSENT.search(said) and not (yes_phrase or no_phrase):
        return UNSURE
    if question == "still_happening" and _STOPPED_FOR_NOW.search(said) and _COMES_AND_GOES.search(said):
        return UNSURE  # "its stopped for now but it comes and goes tbh so who knows"
    if question == "still_happening" and re.search(r"\bquiet\b", said) and re.search(
            r"\b(prob|probably|maybe|might|must be|just away|on holiday|away)\b"
            r"|\b(don'?t|dont|do not) think (it'?s|its|it has|he'?s|they'?ve|she'?s) (really |actually |properly )?"
            r"(stopped|finished|over|gone)\b", said):
        # "been quiet for like 2 days but hes prob just away"; "it went quiet the last few nights but i
        # dont think its stopped stopped"
        return UNSURE
    if question == "still_happening" and re.search(
            r"\b(nothing|nowt|none of it|no one|nobody)('?s| has| have)?( ever)? (been )?(fixed|sorted|repaired|mended|"
            r"done|come)\b", said):
        return YES  # "nothing's been fixed": not a "has been fixed"
    if unsure and (starts_no and re.match(r"^no (idea|clue)\b", said)):
        return UNSURE
    if question == "legal_proceedings" and not (yes_phrase or no_phrase) and re.search(
            r"\b(solicitors?|lawyers?|legal (team|people))('?s| is| are)? (dealing|handling|sorting|looking into|on)"
            r"( with)? (it|this|that|everything)\b", said):
        return UNSURE  # "My solicitor is dealing with it": a claim may or may not have been started
    if yes_phrase != no_phrase:
        if yes_phrase and (_DOUBT_ANYWHERE.search(said) or (question in GUESS_IS_NOT_YES and unsure)):
            return UNSURE  # "I got a letter in August... was that it? No idea.": a yes there ends the process
        if yes_phrase and question in GUESS_IS_NOT_YES:
            # A yes here ends the complaint process: not when it is hedged ("she thinks she got a
            # letter but doesn't know what it said"), nor when it starts with a no ("No. I got a
            # final letter for the boiler, but this is the damp").
            if starts_no or _ANOTHER_MATTER.search(said):
                # "...a final response, but I believe that was about the lift, not the heating".
                return NO if _ANOTHER_MATTER.search(said) else UNSURE
            if _HEDGED.search(said):
                return UNSURE
        return YES if yes_phrase else NO
    if yes_phrase and no_phrase:
        # Both: the question's "yes" phrase names what a "no" start might deny ("no, it's for my
        # mum") only for whom; otherwise the start decides.
        if question == "on_behalf":
            return YES
        if "?" in said and phrases[1].search(said[said.index("?"):]) \
                and not phrases[0].search(said[said.index("?"):]):
            return NO  # "what is mean final response? i never complain officially": the question's words asked back
        if question in GUESS_IS_NOT_YES and _ANOTHER_MATTER.search(said):
            return NO  # "there's a court case about my arrears but that's nothing to do with this"
        if question == "already_investigated" and _STAGE_ONE_ONLY.search(said):
            return NO  # "Stage 1 done. Got a letter in Aug. Didn't take it further."
        if question == "already_investigated" and _ACKNOWLEDGED_ONLY.search(said) and not starts_yes:
            return NO  # "got a letter sayin youd received it and thats it"
        if _DOUBT_ANYWHERE.search(said):
            return UNSURE  # "if I give my name will he find out it was me? I don't know what to do"
        if starts_yes != starts_no:
            return YES if starts_yes else NO
        ends_yes, ends_no = bool(_ENDS_YES.search(said)), bool(_ENDS_NO.search(said))
        if ends_yes != ends_no:
            return YES if ends_yes else NO  # "it stopped for a couple days but started again, so aye"
        back_again = re.search(r"\bbut\b([^.!?]*\b(started|came back|kicked off|began|returned|(it'?s|its|is) back|"
                               r"broke|broken( down)?|went|gone|packed (up|in)|failed|conked out|happened|leak\w*|"
                               r"drip\w*)\b"
                               r"[^.!?]*\b(again|back))\b", said)
        if question == "still_happening" and back_again and not re.search(
                r"\b(will|'ll|might|may|could|dare say|if|when)\b", back_again.group(1)):
            return YES  # "it stopped when the man came but it started again on sunday": the latest news
        if question not in GUESS_IS_NOT_YES:
            # "It has stopped - well, the leak has. The stain is still there": said first, meant.
            yes_at, no_at = phrases[0].search(said).start(), phrases[1].search(said).start()
            return YES if yes_at < no_at else NO
        return None
    if question in GUESS_IS_NOT_YES and _ANOTHER_MATTER.search(said) and re.search(
            r"\b(court|claim|solicitor|letter|response|complaint)\b", said):
        return NO  # "theres a court thing but its the non-molestation order, its not about the flat"
    if question == "in_danger" and starts_no and re.search(r"\bwho knows\b|\bwhen (he|she|they)('?s| is| are) back\b",
                                                            said):
        return UNSURE  # "Not this minute, he's gone out. But when he's back, who knows"
    if _PLAIN_NO.search(said):
        return NO
    if starts_yes != starts_no:
        if starts_yes and _DOUBT_ANYWHERE.search(said):
            return UNSURE
        return YES if starts_yes else NO
    if unsure:
        return UNSURE
    ends_yes, ends_no = bool(_ENDS_YES.search(said)), bool(_ENDS_NO.search(said))
    if ends_yes != ends_no:
        return YES if ends_yes else NO
    if question not in GUESS_IS_NOT_YES and re.search(
            r"(^|[,;]|\b(?!(say|says|said|saying|not|no|never|cannot|can'?t)\b)\w+)\s*(yes|yeah|yep|aye)\s*([-,;.!]|$)",
            said) \
            and not _NO_ANYWHERE.search(said):
        return YES  # "I think Dad would want that, yes - it's been three weeks now"
    if question not in GUESS_IS_NOT_YES and re.search(r"\bi think (yes|yeah|aye|so)\b", said) \
            and not _NO_ANYWHERE.search(said) and not re.search(r"\bbut\b", said):
        return YES  # "My mama is 84 and the flat is 13 degree, I think yes she can get ill"
    if len(said.split()) <= 6:
        yes_word, no_word = bool(_YES_ANYWHERE.search(said)), bool(_NO_ANYWHERE.search(said))
        if yes_word != no_word:
            return YES if yes_word else NO
    if question in GUESS_IS_NOT_YES and _HEDGED.search(said):
        return UNSURE  # "he thinks there was a letter but doesn't know what it said"
    return None
