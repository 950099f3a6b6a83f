"""A first message about a case the resident already has: chasing it, adding to it, or asking for
its complaint response to be reviewed at stage 2.

The classifier learnt these from tidy examples ("I want to escalate my complaint") and reads the
way residents write them as new cases: "got the stage 1 letter, offered £50 for 6 months without
a kitchen, i want a review" as a complaint, "reported a leak 2 weeks ago and heard nothing whats
happening" as a complaint, "the mould i reported is worse now, can i send new photos" as a
complaint. Each of those would start a new case and lose the link to the one the resident has.

A message is read as a task on an existing case only when it says both things plainly: that
something was reported or complained about before (or it holds a reference), and what the
resident wants done with it now. A new complaint that mentions earlier reports ("I've reported
this leak four times and nobody has fixed it, I want to complain") is left to the classifier: a
resident who says they want to complain is making a complaint (bot.nlp.clarify.declared_complaint),
and a chase written in anger ("still waiting, absolute disgrace") is dissatisfaction, which the
Complaint Handling Code says is a complaint.
"""
from __future__ import annotations

import re

from bot.nlp.patterns import CASE_PREFIXES

REVIEW, STATUS, ADD = "request_review", "check_case_status", "add_information"
TASK_INTENTS = (STATUS, REVIEW, ADD)

_WHO = r"(?:i|we|she|he|they|my \w+|her \w+|his \w+)"
_KINDS = r"(?:complaint|report|case|repair request|request|repair|job|ticket)"

# A case reference as residents type it (any case, dashes, spaces or none; the check character
# not checked: a mistyped reference still says "my case"). bot.intake.existing finds the real one.
_REFERENCE_LIKE = re.compile(
    r"\b(?:" + "|".join(CASE_PREFIXES) + r")[\s-]?(?=[a-z]*\d)[a-z0-9]{4,5}[\s-]?[a-z0-9]\b", re.I)

# Something was reported or complained about before, to us (not to the police or the council).
_EARLIER = re.compile(
    rf"(?:^|\b{_WHO}\s+)(?:have\s+|has\s+|had\s+|'ve\s+|ve\s+)?(?:already\s+|just\s+|recently\s+)?"
    r"(?:reported|complained|logged|raised|put in|submitted|made|opened|rang|called|phoned|emailed|"
    r"contacted|told you)\b(?!\s+(?:it\s+|this\s+|them\s+)?to\s+(?:the\s+)?(?:police|council|101))"
    rf"|\bput\s+(?:a|an|my|the)\s+(?:\w+\s+)?{_KINDS}\s+in\b"
    rf"|\b(?:my|her|his|our|their|mums?|dads?|nans?)\s+(?:\w+\s+){{0,3}}?{_KINDS}\b"
    r"|\b(?:existing|open|earlier|previous|current|ongoing|last|first)\s+(?:\w+\s+)?"
    r"(?:complaint|report|case|request)\b"
    r"|\b(?:have|got)\s+(?:an?\s+)?(?:\w+\s+){0,2}?(?:complaint|report|case)\s+(?:open|in|already|with you)\b"
    r"|\bthe\s+(?:complaint|report|case|request)\s+(?:i|we|she|he|my\s+\w+)\s+(?:made|put|raised|logged|"
    r"submitted|sent|opened)\b"
    r"|\bthe\s+(?:\w+\s+){0,2}(?:i|we|she|he)\s+(?:have\s+|'ve\s+)?(?:reported|complained about|logged|raised)\b"
    r"|\bstage\s*(?:1|one)\s+(?:response|reply|answer|letter|outcome|decision)\b"
    r"|\b(?:reference|ref)\b|\b(?:job|work\s+order|repair|ticket)\s+(?:number|no\.?|ref)\b"
    # "following up on my call on Tuesday about the damp"
    r"|\bmy\s+(?:phone\s+)?call\s+(?:on|about|last|yesterday|re|regarding)\b"
    # "did you get my email about the fence?"; "...for my boiler yet, reported it friday".
    r"|\bmy\s+(?:email|e-mail|message|letter|voicemail)\s+(?:about|re|regarding)\b"
    r"|[,.;?!]\s*reported\s+(?:it|this|them|the\s+\w+|my\s+\w+)\b"
    # Something sent to us before: "I sent my housing form in 6 weeks ago", "We sent all the forms in
    # last month", "My OT sent a referral to you".
    rf"|\b(?:{_WHO}|my\s+\w+\s+\w+)\s+(?:sent|uploaded|emailed|posted|filled\s+in|handed\s+in|put\s+in)\s+(?:all\s+)?"
    r"(?:my|the|a|an|in|our|her|his|their)\b"
    # Something promised before: "Surveyor came and said it would be booked in", "Engineer said he'd
    # order it", "I was told at the last meeting it would be confirmed", "I asked for a refund".
    r"|\b(?:said|told\s+(?:me|us|her|him|them))\s+(?:it|he|she|they|someone|somebody|we|i|you)"
    r"(?:'d|\s+would|\s+will|'ll)\s+(?:be\s+)?\w+"
    r"|(?:^|\b(?:i|we|she|he|they)\s+)(?:was|were)\s+told\b[^.?!]{0,40}\b(?:would|will|'d)\b"
    # "My social worker made a referral for adaptations in January"; "I've got a register application in".
    r"|\b(?:made|put\s+in|sent\s+in|submitted)\s+(?:a|an|the|my|our)\s+(?:\w+\s+){0,2}?(?:referral|application|claim)\b"
    r"|\b(?:have|got)\s+(?:an?\s+|my\s+)?(?:\w+\s+){0,2}?(?:application|referral|claim)\s+in\b"
    rf"|\b{_WHO}\s+asked\s+(?:you\s+)?for\s+(?:a|an|the|my|our|her|his)\b"
    r"|\b(?:the|your)\s+letter\s+(?:just\s+|only\s+)?(?:said|says)\b"
    # "I call last week for the broken glass": told before, in a second language's past.
    r"|\bi\s+(?:call|ring|phone|report)\s+(?:you\s+)?(?:last\s+\w+|yesterday|on\s+\w+day|\w+\s+days?\s+ago)\b",
    re.I)

# An existing complaint and its answer: review is a stage of a complaint, not of a repair.
_COMPLAINT_ANSWERED = re.compile(
    r"\b(?:response|reply|respond|responded|replied|answer|answered|letter|outcome|decision|findings?|"
    r"result|investigation|email)\b|\bstage\s*(?:1|one|i)\b|\bclosed\b|\bupheld\b", re.I)
_OWN_COMPLAINT = re.compile(
    r"\b(?:my|her|his|our|their|mums?|dads?|nans?|the|this|that|first)\s+(?:\w+\s+){0,2}?complaint\b"
    r"|\bcomplained\b|\bcomplaint\s+(?:response|reply|letter|outcome|decision)\b|\bcmp\b"
    r"|\bstage\s*(?:1|one)\b|\b(?:your|the|my)\s+final\s+(?:response|reply|answer|decision|letter)\b"
    # "Complaint closed without anyone speaking to me"; "an email from the complaints team".
    r"|\bcomplaint\s+(?:was\s+|has\s+been\s+|got\s+)?(?:closed|answered|upheld|rejected|not\s+upheld)\b"
    # "Re complaint ref C-1182: I've read your response and I disagree".
    r"|\bre:?\s+(?:my\s+|the\s+|your\s+)?complaint\b|\bcomplaint\s+(?:ref|reference|number|no)\b"
    r"|\b(?:email|e-mail|letter|response|reply|decision)\s+from\s+(?:the|your)\s+complaints?\s+"
    r"(?:team|department|officer|manager)\b", re.I)
# Stage 2 named: nothing else it can be, unless it is a question of how long it takes.
_STAGE2 = re.compile(r"\b(?:stage|level)\s*(?:2|two|ii)\b|\bsecond\s+stage\b|\bnext\s+stage\b", re.I)
# Stage 2 already asked for ("I submitted a stage 2 complaint two weeks ago. Can you confirm you
# received it?"): asked after, a status check.
_STAGE2_SENT = re.compile(r"\b(?:submitted|sent|made|put\s+in|requested|asked\s+for|lodged|escalated)\b[^.?!]{0,30}"
                          r"\b(?:stage|level)\s*(?:2|two|ii)\b", re.I)
_HOW_LONG = re.compile(r"\bhow\s+long\b|\bhow\s+many\s+(?:working\s+)?days\b|\btimescale", re.I)
# Asking for a review in so many words...
_REVIEW_ASKED = re.compile(
    r"\bescalat|\breview|\breconsider|\bappeal|\breopen|\bre-open|\bchallenge|\bdispute"
    r"|\blook(?:ed|ing)?\s+(?:at\s+|into\s+)?(?:\w+\s+){0,2}?again\b|\bagain\s+by\b"
    r"|\btake\s+(?:\w+\s+){0,2}?(?:further|higher|up\s+a\s+level|forward)\b|\bgo(?:es)?\s+(?:further|higher)\b"
    r"|\bhigher\s+up\b|\bup\s+a\s+level\b|\bwent\s+nowhere\b|\bnext\s+(?:step|stage|level)\b", re.I)
# ...or unhappy with the answer, or wanting someone else to look.
_ANSWER_REJECTED = re.compile(
    r"\bsomeone\s+(?:else|senior|more\s+senior|higher|independent)\b|\b(?:senior|manager|director|head\s+of)\b"
    r"|\b(?:disagree|don'?t\s+agree|do\s+not\s+agree|don'?t\s+accept|do\s+not\s+accept|not\s+accept)"
    r"|\b(?:not|never|still\s+not)\s+(?:happy|satisfied|content)\b|\bunsatisfactory\b|\bnot\s+good\s+enough\b"
    r"|\bnot\s+acceptable\b|\bfobbed\b|\bnot\s+resolved\b|\bnonsense\b|\brubbish\b"
    r"|\b(?:does|did|do)(?:n'?t|\s+not)\s+(?:even\s+)?(?:address|answer|mention|sort|resolve|cover)\b"
    r"|\bis\s+a\s+joke\b|\binsult\w*|\bignored\s+(?:the|my|what)\b"
    # "basically a copy and paste of the repair history"; "gives no timescale for the works".
    r"|\bcopy\s+and\s+paste\b|\bcut\s+and\s+paste\b|\bcopy-?paste\b"
    r"|\b(?:gives|gave|offers|offered|has|had)\s+no\s+(?:timescale|date|explanation|reason|redress|remedy|"
    r"compensation|answer)\b"
    # Going to the Ombudsman because of the answer.
    r"|\b(?:taking|take|going|go|contacting|contact|referring|refer|writing\s+to)\s+(?:this\s+|it\s+|my\s+complaint\s+)?"
    r"(?:to\s+)?(?:the\s+)?(?:housing\s+)?ombudsman\b", re.I)

# Said, not asked: "...and nobody has responded". In a longer message that tells us what went
# wrong, that is the resident's dissatisfaction (a complaint), not a request for news.
_NO_ANSWER_YET_WORDS = (
    r"\b(?:heard|had)\s+nothing\b|\b(?:not|haven'?t|havent|have\s+not|never)\s+heard\b|\bnot\s+a\s+word\b"
    r"|\b(?:no\s*one|nobody|noone|no\s+body)\s+has\s+(?:\w+\s+)?(?:rung|called|contacted|replied|"
    r"phoned|emailed|responded|answered|got\s+back)\b|\bno\s+(?:reply|response|word|contact|answer)\s+(?:yet|since)\b"
    r"|\bnot\s+had\s+(?:any|a)\s+(?:contact|reply|response|word|answer|call)\w*|\bstill\s+waiting\b")
_NO_ANSWER_YET = re.compile(_NO_ANSWER_YET_WORDS, re.I)
# Asked for, or said that no answer came: a chase.
_STATUS = re.compile(
    _NO_ANSWER_YET_WORDS
    + r"|\bany\s+(?:news|update|updates|progress|word|joy|luck)\b|\bupdates?\s+(?:on|about|regarding|re)\b"
    r"|\b(?:get|give|have|want|like|need|got)\s+(?:an?\s+|any\s+)?(?:\w+\s+)?update\b|\bprogress\b|\bstatus\b"
    r"|\b(?:the\s+)?latest\s+(?:on|with)\b|\bwhat'?s\s+the\s+latest\b"
    r"|\bwhat'?s\s+(?:happening|happened|going\s+on|the\s+situation)"
    r"|\bwhere\s+is\s+(?:my|the|her|his)\s+(?:\w+\s+){0,2}?(?:up\s+to|at)\b"
    r"|\bwhat\s+is\s+(?:happening|going\s+on)|\bwhere\s+(?:is|are)\s+(?:it|we|things)\b|\bup\s+to\s+with\b"
    r"|\bwhere\s+(?:it|things|this|that)(?:'?s|\s+is|\s+are)\s+(?:up\s+to|at)\b"
    r"|\bchasing\b|\bchase\s+(?:up|this|my|the|it)\b|\bfollow(?:ing)?\s+up\s+(?:on|my|the)\b"
    r"|\bchecking\s+(?:in|on|up)\b|\bjust\s+checking\b|\bwaiting\s+to\s+hear\b|\bknow\s+when\b"
    r"|\bwhen\s+(?:will|can|do|is|are|should)\s+(?:i|we|she|he|they|you|someone|somebody|anyone|it|the)\b"
    r"|\bwhen\s+(?:someone|somebody|anyone|they|the\s+\w+)(?:'s|\s+is|\s+are|\s+will)\b"
    r"|\b(?:has|have)\s+(?:the|my)\s+(?:\w+\s+){0,5}?(?:come\s+in|arrived|been\s+ordered)\b"
    r"|\b(?:the|my)\s+(?:\w+\s+){0,2}?(?:has|have)\s+(?:come\s+in|arrived|been\s+ordered)\b"
    r"|\bjust\s+wondering\s+(?:if|when|whether)\b"
    r"|\b(?:has|have)\s+(?:it|this|that|anyone|anybody|someone|somebody|you)\s+(?:been\s+|even\s+)?"
    r"(?:received|looked|done|booked|seen|read|picked|assigned|got|dealt|sorted|passed)"
    r"|\b(?:has|have|is)\s+(?:my|the|her|his|our|it|this)\s+(?:\w+\s+){0,2}?(?:been|still)\s+"
    r"(?:received|booked|looked|picked|assigned|passed|closed|open|acknowledged|seen|read|logged)"
    r"|\bbeen\s+(?:received|booked|looked\s+at|picked\s+up|assigned|passed)\b"
    r"|\b(?:is\s+)?any\s*(?:one|body)\s+(?:actually\s+)?(?:reading|dealing|looking)"
    r"|\bis\s+(?:anyone|someone|it)\s+(?:being\s+)?(?:dealing|dealt|looking)"
    # "is anyone coming about the leak I reported?", "still no date for my kitchen job?"
    r"|\b(?:is|are)\s+(?:anyone|anybody|someone|somebody|they|you|the\s+\w+)\s+(?:actually\s+|still\s+|even\s+)?"
    r"(?:coming|going\s+to\s+come|booked)\b"
    r"|\b(?:was|were|has|have)\s+(?:the|my|it)\s+(?:\w+\s+){0,4}?ever\s+(?:been\s+)?(?:cleared|fixed|done|sorted|"
    r"removed|repaired|collected)\b"
    r"|\bdid\s+(?:you|anyone|someone|somebody)\s+(?:get|receive|see|read)\s+my\b"
    r"|\b(?:still\s+)?no\s+(?:date|appointment|time)\s+(?:for|yet)\b|\bany\s+(?:date|appointment)\b"
    r"|\b(?:an?\s+)?(?:date|appointment)\s+(?:\w+\s+){0,3}?yet\b"
    r"|\b(?:has|have)\s+(?:anyone|anybody|someone|somebody|you)\s+(?:even\s+)?(?:looked|had\s+a\s+look)\b"
    # "has the ASB officer managed to speak to them yet?": asked after something under way.
    r"|\b(?:has|have|did)\s+[^.?!]{3,60}\byet\s*\?"
    r"|\bwhen\s+(?:someone|somebody|anyone|they|the\s+\w+|he|she)\s+(?:come|coming|will\s+come|visit|fix)\b"
    r"|\b(?:someone|somebody|anyone|they|the\s+\w+)(?:'s|\s+is|\s+are)\s+(?:actually\s+|still\s+)?coming\b"
    r"|\b(?:says|saying|shows|showing|still|just)\s+(?:it'?s\s+|as\s+)?['‘\"]?(?:pending|in\s+progress|awaiting\s+\w+)\b"
    # "I'd just like to know where it is in the queue"; "let me know how it's going".
    r"|\bwhere\s+(?:it|we|i|my\s+\w+|the\s+\w+)\s+(?:is|are|am)\s+(?:in\s+the\s+(?:queue|list|system)|up\s+to)\b"
    r"|\bhow\s+(?:it'?s|it\s+is|things\s+are|that'?s|this\s+is)\s+(?:going|progressing|getting\s+on)\b"
    r"|\bconfirm\s+(?:my|the|our|her|his)\s+(?:\w+\s+)?(?:date|appointment|time|slot)\b"
    r"|\bexpect\s+to\s+hear\b"
    # "has anything happened since?", "any idea when that'll be?", "is she still planning to ring?",
    # "has it arrived??", "tell me if it's been assessed yet", "where I am with the transfer application".
    r"|\bhas\s+anything\s+(?:happened|been\s+done|moved|changed)\b|\bany\s+idea\s+when\b"
    r"|\b(?:is|are)\s+(?:she|he|they|someone|somebody|anyone|you)\s+still\s+(?:planning|going|meant|due|supposed)\s+to\b"
    r"|\b(?:has|have)\s+(?:it|they)\s+(?:come\s+in|arrived)\b"
    r"|\b(?:if|whether)\s+(?:it|this|my\s+\w+)(?:'?s|\s+has)\s+been\s+(?:assessed|processed|approved|looked\s+at|"
    r"decided|received|logged|booked)\b"
    r"|\bwhere\s+(?:i|we)(?:'?m|\s+am|'?re|\s+are)\s+(?:up\s+to\s+)?with\s+(?:my|the|our)\b",
    re.I)
# Asking after something already under way, in words that say so on their own: a chase even
# without "I reported": "did you get the email I sent about my bathroom?", "has my online form
# gone through?", "can you confirm you got my photos?", "is the plumber still coming? it's gone
# 2", "is there a date for my new windows yet?", "where are we up to with the fence?".
# What residents apply for and then wait on.
_APPLIED = (r"(?:form|application|request|referral|claim|exchange|swap|transfer|succession|paperwork|assessment|"
            r"payment|compensation|refund|complaint|"
            r"bid|appeal)")
# What residents send in: an application, or a letter or evidence for one.
_SENT_IN = r"(?:" + _APPLIED + r"|letter|evidence|documents?|photos?|pictures?|note|forms?)"
_CHASE = re.compile(
    r"\b(?:did|have|has)\s+(?:you(?:\s+lot|\s+guys|\s+all)?|anyone|someone|somebody)\s+"
    r"(?:get|got|receive|received|see|seen)\s+(?:my|our|the)\s+"
    r"(?:\w+\s+){0,2}?(?:email|e-mail|message|letter|form|photos?|pictures?|application|request|report|"
    r"voicemail|evidence)\b"
    r"|\b(?:did|has|have)\s+(?:my|our)\s+(?:\w+\s+){0,3}?(?:go|gone|get|got|come|came)\s+through\b"
    r"|\bconfirm\s+(?:if\s+|whether\s+|that\s+)?(?:you|you'?ve|you\s+have)\s+(?:got|received|had)\b"
    r"|\b(?:is|are)\s+(?:the|my|your)\s+(?:\w+\s+)?(?:engineer|plumber|electrician|contractor|surveyor|joiner|"
    r"workm[ae]n|gas\s+man|man|men|fitter|roofer|inspector|officer)s?\s+still\s+coming\b"
    r"|\bis\s+there\s+(?:a|an|any)\s+(?:date|appointment|time)\s+(?:yet\s+)?for\s+(?:my|our|the)\b"
    r"|\bwhere\s+(?:are\s+we|am\s+i|are\s+you|is\s+it)\s+up\s+to\s+with\b"
    r"|\bwhere\s+(?:my|our|the)\s+(?:\w+\s+){0,3}?(?:is|are)\s+up\s+to\b"
    r"|\bany\s+(?:update|news|word|progress)\s+(?:on|about|with|re)\s+(?:the|my|our)\b"
    r"|\b(?:has\s+(?:a\s+decision|my\s+(?:\w+\s+){0,3}?" + _APPLIED + r")|(?:if|whether)\s+my\s+(?:\w+\s+){0,4}?"
    + _APPLIED + r"(?:\s+(?:for|from|about|on)(?:\s+\w+){1,3}?)?\s+(?:has|have))\s+been\s+"
    r"(?:made|processed|approved|accepted|agreed|looked\s+at|dealt\s+with|decided|sent|posted|signed\s+off)\b"
    # "what's happening with my succession application?"; "just checking when the roofer is booked".
    r"|\bwhat'?s\s+happening\s+with\s+(?:my|our)\b|\bjust\s+checking\s+(?:when|if|that|whether|it'?s|its|where)\b"
    # "Chasing this again - the window part that was ordered, has it arrived??"
    r"|^\W*chasing\s+(?:this|it|my|the|up|again)\b"
    # "she's not sure it got logged. Could you check for her?"
    r"|\b(?:not\s+sure|(?:don|doesn|didn)'?t\s+know|do(?:es)?\s+not\s+know|unsure)\s+(?:if\s+|whether\s+)?(?:it|this|that|the\s+\w+)\s+(?:got|was|has\s+been|"
    r"had\s+been)\s+(?:logged|received|recorded|passed\s+on|through)\b"
    r"|\bcheck\s+the\s+(?:status|progress)\s+of\b"
    # A promise not kept, asked after: "you said someone would ring me back yesterday. Still waiting."
    r"|\b(?:you|she|he|they|and|(?:the|your|a|an)\s+\w+)\s+said\s+(?:someone|somebody|you|she|he|they|it|i|the\s+\w+)"
    r"(?:\s+would|\s+will|\s*'d)\s+"
    r"(?:ring|call|phone|send|come|email|e-mail|post|get\s+back|write|be\s+next)\b"
    r"|\b(?:just\s+)?checking\s+(?:on|in\s+(?:on|about))\s+(?:my|our|the)\b"
    r"|\bwhen'?s\s+(?:the|my|our)\s+\w+\s+coming\b"
    # "has that gone through?", "did my complaint get received?", "check it was received"
    r"|\b(?:has|have|did)\s+(?:that|it|this|the\s+order|the\s+\w+)\s+(?:gone|go|got|went)\s+through\b"
    r"|\b(?:did|has|have)\s+(?:my|our|the)\s+(?:\w+\s+){0,2}?(?:get|got|been|was)\s+(?:received|through|logged)\b"
    r"|\bcheck\s+(?:that\s+|if\s+|whether\s+)?(?:it|this|my\s+\w+|the\s+\w+)\s+(?:was|has\s+been|had\s+been|got)\s+"
    r"(?:received|through|logged)\b"
    r"|\bfollowing\s+up\s+(?:on\s+)?(?:my|our|the)\b"
    r"|\b(?:has|have)\s+(?:a|an|the|my)\s+(?:\w+\s+)?(?:inspection|appointment|visit|survey|date)\s+been\s+"
    r"(?:arranged|booked|made|set|scheduled)\b"
    r"|\b(?:is|are)\s+(?:the|my|our)\s+(?:\w+\s+){0,2}?still\s+(?:going\s+ahead|happening|booked)\b"
    r"|\b(?:the|my|your)\s+(?:\w+\s+)?(?:engineer|plumber|electrician|contractor|surveyor|joiner|fitter|roofer|"
    r"decorator|plasterer)s?\s+(?:is|are)\s+still\s+coming\b"
    r"|\b(?:if\s+)?there'?s\s+(?:a|an|any)\s+(?:date|appointment|time)\s+(?:yet\s+)?for\s+(?:my|our|the)\b"
    r"|\b(?:was|were)\s+(?:meant|supposed|due)\s+to\s+(?:come|visit|call|be\s+here)\b[^?]*\bconfirm\b"
    # "just wondering if the OT's referral has reached you yet?"
    r"|\b(?:has|have)\s+(?:my|our|the|her|his)\s+(?:\w+'?s?\s+){0,3}?" + _SENT_IN + r"\s+(?:reached|got\s+to|"
    r"arrived\s+with|come\s+through\s+to)\s+you\b"
    r"|\b(?:my|our|the|her|his)\s+(?:\w+'?s?\s+){0,3}?" + _SENT_IN + r"\s+(?:has|have)\s+(?:reached|got\s+to|"
    r"arrived\s+with|come\s+through\s+to)\s+you\b"
    # "did the housing officer get round to visiting them yet?"
    r"|\b(?:has|have|did)\s+(?:the|my|our|your|anyone|someone|somebody|you)\b[^.?!]{0,60}\b(?:managed\s+to|"
    r"gets?\s+round\s+to|got\s+round\s+to|had\s+(?:a|the)\s+chance\s+to)\b"
    r"|\bconfirm\s+(?:that\s+|if\s+|whether\s+)?(?:it|this|my\s+\w+|the\s+\w+)(?:'s|\s+has|\s+was)\s+(?:been\s+)?"
    r"(?:received|logged|got\s+through)\b"
    # "the engineer said he'd need to order a part ... do you know when it's due in?"
    r"|\border(?:ed)?\s+(?:a|the|in\s+a|in\s+the)\s+(?:new\s+)?parts?\b[^?]{0,80}\b(?:when|if|whether|yet)\b[^?]*\?",
    re.I)
_TOLD_AT_LENGTH = 20
# Asked for on its own ("any news?", "I'd like an update please"): only about a case we have.
_STATUS_ALONE = re.compile(r"\b(?:an|any|repair|job|case|complaint)\s+(?:news|updates?|progress)\b", re.I)

_ADD = re.compile(
    r"\badd(?:ing|ed)?\s+(?:this|it|that|something|some|more|a|an|to|another|these|extra|new|on|info|"
    r"my|her|his)\b|\bto\s+add\b|\b(?:update|updating|amend|correct|change)\s+(?:my|the|her|his|our)\s+"
    r"(?:\w+\s+)?(?:report|complaint|case|request|details|number|phone|email|address)\b"
    r"|\bshould\s+have\s+(?:said|mentioned)|\b(?:wrong|incorrect)\s+(?:\w+\s+)?(?:date|number|phone|address|"
    r"email|day|time|name|flat|window|details|room)\b|\bmade\s+a\s+mistake\b|\bgave\s+(?:you\s+)?the\s+wrong\b"
    r"|\b(?:send|add|upload|attach|give|provide|have|got|put)\s+(?:you\s+)?(?:some\s+)?(?:more|new|extra|further)"
    r"\s+(?:photos?|pictures?|pics|videos?|evidence|info|information|details|letter|diary|recordings?)\b"
    r"|\b(?:another|new|further)\s+incident\b|\bextra\s+(?:details|info|information)\b"
    r"|\b(?:send|upload|attach|forward)\s+(?:you\s+|in\s+|over\s+)?(?:some\s+|more\s+|new\s+|the\s+|a\s+|"
    r"my\s+)?(?:photos?|pictures?|pics|videos?|evidence|letter|diary|documents?|recordings?|sheets?)\b"
    r"|\bleft\s+out\b|\b(?:happened|started|kicked\s+off)\s+again\b|\bmore\s+happened\b|\bat\s+it\s+again\b|\bdone\s+it\s+again\b"
    r"|\bagain\s+(?:last\s+night|tonight|today|this\s+(?:morning|afternoon|evening)|yesterday)\b"
    r"|\b(?:got|gotten|is|are|has\s+got)\s+(?:much\s+|even\s+|a\s+lot\s+)?worse\b|\bspread\b", re.I)
# Adding to something told before, whatever was told: "I forgot to mention...".
_ADD_ALONE = re.compile(
    r"\bforgot\s+(?:to\s+)?(?:say|mention|add|tell|include|put)|\bdidn'?t\s+mention\b"
    r"|\bleft\s+(?:something|it|that|some\w*)\s+(?:out|off)\b|\bmissed\s+(?:something|some\w*)\s+(?:out|off)\b"
    r"|\bone\s+more\s+thing\s+about\s+my\b", re.I)

# "An update for my case: the dog barked all day again" brings news; "an update on it?" asks for it.
_UPDATE_FOR = re.compile(r"\bupdate\s+(?:for|to)\s+(?:my|the)\s+(?:\w+\s+)?(?:case|report|complaint)\b", re.I)
# Thanks for a stage 2 review or for text updates is a compliment.
_PRAISE = re.compile(r"\b(?:appreciat|brilliant|excellent|thorough|pleased|grateful|lovely|"
                     r"well\s+done|made\s+things|shout\s*-?\s*out|kudos|hats\s+off|fair\s+play|credit\s+to|"
                     r"give\s+(?:\w+\s+)?credit|fantastic|amazing|superb|first\s+class|top\s+notch)", re.I)
# Stage 2 named with a wish: "stage 2 please", "I want it taken to stage 2", "can I go to stage 2?"
_WISH = re.compile(r"\b(?:want|wanting|would\s+like|'?d\s+like|like\s+to|wish|can|could|please|pls|plz|how\s+do|"
                   r"ask|asking|"
                   r"how\s+can|request|requesting|go\s+to|take|taken|escalat|move|put|process|unhappy)\b"
                   r"|\bnot\s+happy|\?", re.I)

# Said in anger, a chase is dissatisfaction with the service: a complaint, not a status check.
_ANGER = re.compile(
    r"\b(?:disgrac|disgust|appall|unacceptable|ridiculous|shocking|useless|pathetic|joke|fed\s+up|"
    r"sick\s+(?:of|and\s+tired)|absolute|furious|fuming|outrag|shambles|incompeten)", re.I)

# A failure told ("it has never worked", "it wasn't, nobody even came", "closed as complete when
# nothing has been done"): dissatisfaction with the service, a complaint, not news or a chase.
_FAILURE = re.compile(
    r"\bnever\s+(?:worked|been\s+(?:fixed|done|sorted|repaired))\b|\bnothing\s+(?:has\s+been|was|got|had\s+been)\s+done\b"
    r"|\b(?:nobody|no\s*one|no-one)\s+(?:even\s+|ever\s+)?(?:came|turned\s+up|showed(?:\s+up)?|come)\b"
    # "...every time they said they'd come. They never turn up and then blame me."
    r"|\b(?:they|he|she|you|the\s+\w+)\s+(?:never|don'?t|didn'?t|do\s+not|did\s+not)\s+(?:even\s+|actually\s+)?"
    r"(?:turn(?:ed|s)?\s+up|show(?:ed|s)?\s+up)\b"
    r"|\b(?:it|they)\s+(?:wasn'?t|weren'?t|didn'?t|hadn'?t)\s*[.!]"
    r"|\b(?:is|are)\s+still\s+(?:dripping|leaking|broken|not\s+working)\b|\bstill\s+not\s+(?:working|fixed|done)\b"
    r"|\bclos(?:ed|ing)\b[^.!?]{0,30}\b(?:complete|completed|done|fixed)\b[^.!?]{0,20}\b(?:when|but|though)\b", re.I)

# "I want to make a complaint about..." is a new complaint, whatever it mentions from before.
_NEW_COMPLAINT = re.compile(
    r"\b(?:make|raise|log|put\s+in|lodge|submit|register|file|turn\s+(?:this|it)\s+into|escalate\s+"
    r"(?:this|it)\s+(?:to|into))\s+(?:a\s+|an\s+)?(?:new\s+|formal\s+|official\s+)?complaint\b"
    r"|\b(?:want|wanna|like|need|wish|going)\s+to\s+complain\b"
    # "I am now raising this as a complaint because being ignored is not acceptable".
    r"|\b(?:raise|raising|log|logging|treat|treating|make|making|put|putting|take|taking)\s+(?:this|it)\s+"
    r"(?:in\s+)?as\s+a\s+(?:formal\s+|official\s+)?complaint\b", re.I)

# A chase or an addition is short; a long message that mentions earlier reports is telling us
# about a problem (a new case), and the classifier reads it.
_SHORT_WORDS, _LONG_WORDS = 35, 60


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\u2019", "'").replace("\u2018", "'")).strip()


def looks_like_reference(text: str) -> bool:
    return bool(_REFERENCE_LIKE.search(text or ""))


def case_task(text: str, has_reference: bool = False) -> str | None:
    """The task on an existing case the message asks for, or None when it does not plainly ask
    for one. `has_reference`: the message holds a case reference (found by the caller)."""
    text = _clean(text)
    if not text or _NEW_COMPLAINT.search(text):
        return None
    has_reference = has_reference or looks_like_reference(text)
    words = len(text.split())
    earlier = has_reference or bool(_EARLIER.search(text))
    # ("While I appreciate the apology, the response gives no timescale": a concession, then the point.)
    conceded = re.search(r"\b(?:while|whilst|although|though)\s+i\s+(?:do\s+)?appreciate\b", text, re.I)
    praise = _PRAISE.search(text) and not _ANSWER_REJECTED.search(text) and not conceded
    if praise:
        return None
    stage2_asked_after = _STAGE2_SENT.search(text) and (_CHASE.search(text) or _STATUS.search(text))
    if _STAGE2.search(text) and _WISH.search(text) and not _HOW_LONG.search(text) and not stage2_asked_after:
        return REVIEW
    own_complaint = has_reference or bool(_OWN_COMPLAINT.search(text))
    if own_complaint and not stage2_asked_after and (
            _REVIEW_ASKED.search(text)
            or (_ANSWER_REJECTED.search(text) and _COMPLAINT_ANSWERED.search(text) and words <= _LONG_WORDS)):
        return REVIEW
    if words > (_LONG_WORDS if has_reference else _SHORT_WORDS):
        return None
    if _FAILURE.search(text):
        return None
    # "I emailed asking about adding my partner to the tenancy": what was asked about, not an addition.
    added = re.sub(r"\b(?:about|regarding|re|asking)\s+add\w*", " ", text, flags=re.I)
    if _ADD_ALONE.search(added) or (earlier and _ADD.search(added)) or (_UPDATE_FOR.search(added) and words > 8):
        return ADD
    if _ANGER.search(text):
        return None
    if _CHASE.search(text):
        return STATUS
    asked = _STATUS.search(_NO_ANSWER_YET.sub(" ", text)) or "?" in text
    if earlier and _STATUS.search(text) and not asked and words > _TOLD_AT_LENGTH:
        return None
    if (earlier and _STATUS.search(text)) or (words <= 8 and _STATUS_ALONE.search(text)):
        return STATUS
    if has_reference:
        return STATUS
    return None
