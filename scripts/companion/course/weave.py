"""Find where the transcripts discuss each course module and glossary term (at build time, offline).

Input: the topics (`companion.course.topics`) and each episode's segments (start, end in seconds,
body). Output: for every topic, the *stretches* (a few consecutive segments, with times) that hold
its idea, best first, and for every episode the glossary terms to mark in its transcript.

How a module is matched (a small, classic retrieval scheme, no model):

1. Every term of every topic is looked up in every segment as a phrase of Snowball stems.
2. Each term gets an inverse document frequency over the site's own segments,
   ln(1 + N / (1 + df)) (Sparck Jones 1972; the smoothed form of Robertson 2004), scaled to 0..1
   (see `idf`), so a word the podcast says all the time weighs little.
3. Each segment is judged by the *window* around it: the segments starting within WINDOW_S / 2
   seconds either side (`_centred`), each counting less the further it is from the centre
   (`EDGE_FALLOFF`), so a segment at the turn from one topic to the next goes with its own talk.
   The window's evidence for a module (`Evidence`) has two parts: the sum, over the module's
   distinct key terms it holds, of term weight x idf; and, for each *facet* of the module (a
   sub-idea: one section of its own text, and that section's idea in plain speech,
   `companion.course.facets`, `companion.course.plain_words`), how much of that facet's
   distinctive vocabulary the window says, each stem weighed by its rarity in the podcast
   (`stem_rarity`), so talk that says the idea in plain words is heard without the module's
   terms. The evidence holds the idea only with two facets, one facet held strongly, or
   `MIN_TERMS` key terms: one shared word, however rare, is not the idea; nor is a facet said
   in one word (`FACET_MIN_STEMS`: a dog trainer's "front door" is not module 5's lead-in). A
   segment goes to one module only (`_labels`), and only where the course's subject is said
   within `SUBJECT_NEAR_S` seconds and outweighs talk on another subject
   (`companion.course.subject`: a budgeting show's "financial counsellor", a cricket match's
   "accept the decision"), and not where the window talks in another field's words
   (`_elsewhere`: more than FOREIGN_MAX of its content words neither the course's nor everyday
   English, `companion.course.everyday`: a slow cooker that is "my therapy", software that
   "tracks every client session"). Of the modules whose evidence holds the idea there, it goes
   to the one a fitted decision finds most probable, when that probability reaches the
   decision's threshold (`companion.course.decision`: a logistic regression over what the
   matcher computes for the window, fitted on labelled talk by `bench/weave_fit.py`; what it
   weighs most is how far the module is ahead of the others, then its share of the best
   score; `contrast` is one of its features: neighbouring modules share words, sycophancy is
   taught by modules 2 and 5, regulators by 5, 7 and 8, and what decides between two is what
   each teaches more of).
4. A run of segments given to one module is a stretch (`_stretches`), trimmed to its first and
   last segment that holds some of the idea on its own (`_holds`: a key term or a facet's
   words), so it starts and ends where the talk does; a run with fewer than `MIN_HOLDING` such
   segments is one line, not a discussion, and is dropped, unless the run is sustained
   (SUSTAINED_RUN segments or more, SUSTAINED_SHARE of them each saying a little of the idea,
   THIN_BAR of `_holds`'s bars), or SHORT_RUN segments and SHORT_RUN_S long with one naming the
   domain (`_anchored`) and none near talk in another field's words (`_elsewhere`): a paraphrase
   spreads the idea over many lines, none enough alone (a trainee's client whose chatbot "agreed
   with every single thing", a week dumped into the app the night before seeing the counsellor).
   A greeting, an introduction, a preview of what comes later or, in an episode's last
   `framing.CLOSING_S` seconds, its signpost to support ("Lifeline is thirteen eleven fourteen,
   any hour": `companion.course.framing`) names a topic without discussing it, so it does not
   count as holding the idea. A stretch scores as its best window. A run is kept
   only where its own talk is about a person's mind or care (`_personal`: a word for a feeling
   or a care phrase, `companion.course.feelings`), whatever field the talk around it is in. A
   *brief* stretch (fewer than BRIEF_HOLDING segments holding the idea: two lines said in
   passing) is dropped when its content words are mostly not the course's (`_course_share`
   under BRIEF_COURSE_SHARE, common or rare in English) and it is told of things, not people
   (`feelings.person_share` under BRIEF_PERSON_SHARE): a boiler's "pressure" and "relationship"
   between two valves, a super fund's "trial" and "cost", an analytics tool's "emotional" score.
   A brief stretch must also say what its words are said *of* (`_aside`, `_anchored`: keyword
   in context): told of things, one of its own segments names the course's domain (care and its
   cost, a state of mind the field treats, recovery, a chatbot, a glossary term in context;
   `feelings.domain_phrases`), and told of people, something within ANCHOR_NEAR_S seconds does.
   A feeling word alone does not: a juror cries, an esports score is "emotional", a robot
   vacuum's "privacy policy" and "model", a court's "support" and a hairdresser's "session",
   "client card" and "consultation" are said of a vacuum, a court and a salon.

A glossary term comes up where one of its phrases is said; a one-word everyday term ("stigma",
"empathy") also needs a word of its definition said within TERM_CONTEXT_S seconds.

Cost: one pass over the words to find terms, one window a segment (each bounded in time): linear
in the number of segments (so in episodes), for a fixed course.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence, TypeVar

from companion.course import decision
from companion.course.decision import Decision
from companion.course.everyday import zipf
from companion.course.feelings import care_phrases, domain_phrases, is_feeling, person_share, role_heads
from companion.course.framing import framed
from companion.course.facets import Facet, FacetIndex, facet_index, facet_scores
from companion.course.subject import off_subject_stems, qualified
from companion.course.topics import (STOPWORDS, Phrase, Topic, capitals_key, normalise, stem, subject_phrases,
                                     word_spans)
from companion.episode import Segment

T = TypeVar("T")

WINDOW_S = 45.0             # a window: the segments starting within half this many seconds either side of one
MIN_TERMS = 2               # distinct key terms that count as the idea
PASSAGE_S = 30.0            # rarity is counted over passages this long
RARE_IN = 50                # a phrase said in at most 1 segment in this many has its full weight
FACET_MIN = 0.3             # facet score (weights x rarity over the facet's norm) a window must hold for it to count
FACET_STRONG = 0.6          # one facet held this much is the idea on its own
FACET_WEIGHT = 4.0          # a facet's score (0..~1.5) against the key terms' sum (0..~15)
FACET_MIN_STEMS = 2         # stems of a facet, each adding FACET_STEM_MIN, a window says for it to count as held
FACET_STEM_MIN = 0.05       # what a stem must add to a facet's score to count among them
PLAIN_FOREIGN_MAX = 0.15    # talk near a segment with at most this share of another field's words is plain (a feature)
EDGE_MIN_SCORE = 0.5        # a stretch starts and ends at a segment holding this much key-term weight x idf
EDGE_FACET_MIN = 0.15       # or this much of one facet (`_holds`)
MIN_HOLDING = 2             # segments of a stretch that must hold the idea alone: a stretch is not one line
EDGE_FALLOFF = 0.5          # what a window's edge counts less than its centre (`_said`)
MAX_STRETCH_S = 240.0       # a longer run of counting windows is split
SUBJECT_MIN = 1             # distinct subject phrases said near a window for a module to claim it
OFF_SHARE = 1.0             # subject phrases near a window must outnumber this share of other subjects' words
SUBJECT_NEAR_S = 45.0       # a module window needs the course's subject said within this many s of it
TERM_CONTEXT_S = 8.0        # seconds either side searched for a one-word term's definition words
FOREIGN_ZIPF = 4.8          # a content word rarer than this in English (Zipf) and not the course's is another field's
FOREIGN_NEAR_S = 10.0       # seconds either side of a segment whose words `_elsewhere` weighs
FOREIGN_MAX = 0.3           # share of a window's content words from another field above which no module claims it
PERSON_FOLLOW_S = 45.0      # a run starting this soon after a kept stretch of its module continues that talk
BRIEF_HOLDING = 3           # a stretch with fewer segments holding the idea is brief: two lines said in passing
BRIEF_COURSE_SHARE = 0.75   # share of a brief stretch's content words the course says, under which it is another field's
BRIEF_PERSON_SHARE = 0.12   # share of a brief stretch's words that are people (I, she, you ...) under which it is about things
SUSTAINED_RUN = 5           # segments given to one module in a row that are a discussion even when said thinly
SUSTAINED_SHARE = 0.75      # share of such a run's segments that must each say a little of the idea (THIN_BAR)
SHORT_RUN = 4               # a shorter run said thinly is a discussion too where a line names the domain (`_stretches`)
SHORT_RUN_S = 20.0          # ... and lasts this many seconds: Whisper splits one turn into many short segments
THIN_BAR = 0.5              # share of `_holds`'s bars (EDGE_MIN_SCORE, EDGE_FACET_MIN) that counts as a little
ANCHOR_NEAR_S = 12.0        # a brief stretch told of people must name the domain within this many s of it (`_aside`)
LINE_MIN_CHARS = 60         # a quoted line shorter than this takes in the segments after it


@dataclass(frozen=True)
class Stretch:
    """A suggested stretch of one episode for one topic."""

    slug: str
    start: float            # seconds
    end: float              # seconds
    score: float
    line: str               # the segment that holds most of the idea (plain text)
    terms: tuple[str, ...]  # the matched terms as said (for the reader: why this stretch)
    source: str = "found"   # "found", "pinned" or "added" (data/listening.yml)


@dataclass(frozen=True)
class Mark:
    """A glossary term to mark in a transcript: segment start (s), character span in its body."""

    segment_start: float
    begin: int
    end: int
    anchor: str


@dataclass
class Weave:
    """Everything the pages need: topic ident -> stretches (best first); slug -> marks."""

    modules: dict[str, list[Stretch]] = field(default_factory=dict)
    terms: dict[str, list[Stretch]] = field(default_factory=dict)
    marks: dict[str, list[Mark]] = field(default_factory=dict)


@dataclass
class _Segment:
    start: float
    end: float
    body: str
    found: dict[Phrase, tuple[int, int]]        # phrase -> first (begin, end) in body
    stems: frozenset[str]
    words: tuple[str, ...]                      # its stems in order
    content: int = 0                            # content words said (`function_word`s, numbers, 1-2 letters left out)
    uncommon: frozenset[str] = frozenset()      # stems of its content words rarer than FOREIGN_ZIPF
    feelings: frozenset[str] = frozenset()      # stems of its words for a feeling (`feelings.is_feeling`)
    content_stems: tuple[str, ...] = ()         # stems of its content words, in order (`_course_share`)


def _index(topics: Iterable[Topic]) -> dict[str, list[Phrase]]:
    by_first: dict[str, set[Phrase]] = defaultdict(set)
    for topic in topics:
        for p in topic.weights:
            by_first[p[0]].add(p)
    # longest first, so "digital therapeutic alliance" is found before "therapeutic alliance"
    return {k: sorted(v, key=len, reverse=True) for k, v in by_first.items()}


def _scan_episode(segments: Sequence[Segment], index: dict[str, list[Phrase]]) -> list[_Segment]:
    """Find the phrases in one episode's words. A phrase may run across segments (publishers'
    transcripts often have one word a segment); it belongs to the segment of its first word.
    Each segment also notes its content words that are uncommon in English (`everyday.zipf`)
    and its words for a feeling (`feelings.is_feeling`)."""
    rows: list[_Segment] = []
    words: list[tuple[str, int, int, int, str]] = []      # stem, row, begin, end, capitals key
    for seg in segments:
        spans = word_spans(seg.body)
        said = [(s, normalise(seg.body[b:e])) for s, b, e in spans]
        content = [(s, zipf(w)) for s, w in said if len(w) > 2 and not w.isdigit() and not function_word(w)]
        rows.append(_Segment(seg.start, seg.end, seg.body, {}, frozenset(s for s, _, _ in spans),
                             tuple(s for s, _, _ in spans), len(content),
                             frozenset(s for s, z in content if z < FOREIGN_ZIPF),
                             frozenset(s for s, w in said if is_feeling(w, s)),
                             tuple(s for s, _ in content)))
        words += [(s, len(rows) - 1, b, e, capitals_key(seg.body[b:e])) for s, b, e in spans]
    covered = 0                      # words up to here belong to a longer phrase already found
    for i, (first, row, begin, _, caps) in enumerate(words):
        for p in [*index.get(first, ()), *(index.get(caps, ()) if caps else ())]:
            if i + len(p) <= covered:
                continue
            if p[0] != caps and tuple(w[0] for w in words[i:i + len(p)]) != p:
                continue
            last = words[i + len(p) - 1]
            end = last[3] if last[1] == row else len(rows[row].body)
            rows[row].found.setdefault(p, (begin, end))
            covered = max(covered, i + len(p))
            break                    # the longest phrase starting here wins
    return rows


_CONTRACTED = ("nt", "t", "ll", "re", "ve", "s", "d", "m")     # endings of English contractions
_NEGATED = {"won": "will", "shan": "shall", "ain": "is"}       # "won't": the auxiliary is not "won"


def function_word(word: str) -> bool:
    """Whether a lower-case word is a function word (`topics.STOPWORDS`) or a contraction of one,
    with its apostrophe ("she'd", "could've", "couldn't", "won't") or without it, as raw Whisper
    output often writes them ("dont", "theyll", "youre"), so a transcript in lower case without
    apostrophes is not taken for talk in unusual words, and "couldn't" in plain speech is no
    content word the course never says."""
    base = word.split("'")[0]
    if word.endswith("n't"):
        base = _NEGATED.get(base, base[:-1])
    return base in STOPWORDS or any(word.endswith(end) and word[:-len(end)] in STOPWORDS for end in _CONTRACTED)


def scan_episodes(episodes: dict[str, Sequence[Segment]],
                  topics: Iterable[Topic]) -> dict[str, list[_Segment]]:
    """slug -> its segments with the topic phrases each holds."""
    index = _index(topics)
    return {slug: _scan_episode(segments, index) for slug, segments in episodes.items()}


def idf(scanned: dict[str, list[_Segment]]) -> dict[Phrase, float]:
    """How rare each phrase is in the site's segments, from 0 (said everywhere) to 1.

    ln(1 + N / (1 + df)) / ln(1 + RARE_IN), capped at 1, counted over passages of PASSAGE_S
    seconds (N passages in all, df holding the phrase), so one-word segments and long ones
    weigh alike: a phrase in at most one passage in RARE_IN counts fully, one in every other
    passage about a fifth. It depends on the share of passages, not on how many episodes there
    are: the thresholds mean the same on a site of 5 episodes and of 500.
    """
    return _passage_idf(scanned, lambda row: row.found)


def stem_rarity(scanned: dict[str, list[_Segment]]) -> dict[str, float]:
    """`idf` for single stems (the facets' words): 0 (said in every passage) to 1 (rare)."""
    return _passage_idf(scanned, lambda row: row.stems)


def _passage_idf(scanned: dict[str, list[_Segment]],
                 said: Callable[[_Segment], Iterable[T]]) -> dict[T, float]:
    """The `idf` formula over passages, for whatever `said` reads from a segment."""
    df: dict[T, int] = defaultdict(int)
    total = 0
    for rows in scanned.values():
        passages: dict[int, set[T]] = defaultdict(set)
        for row in rows:
            passages[int(row.start // PASSAGE_S)].update(said(row))
        total += len(passages)
        for held in passages.values():
            for item in held:
                df[item] += 1
    return {item: min(1.0, math.log(1 + total / (1 + n)) / math.log(1 + RARE_IN)) for item, n in df.items()}


def _by_first_stem(phrases: Iterable[Phrase]) -> dict[str, list[Phrase]]:
    """`phrases` by their first stem, as `_subject_said` looks them up."""
    by_first: dict[str, list[Phrase]] = defaultdict(list)
    for p in phrases:
        by_first[p[0]].append(p)
    return by_first


def _subject_said(row: _Segment, subject: dict[str, list[Phrase]]) -> frozenset[Phrase]:
    """The subject phrases said in one segment (`subject`: first stem -> phrases), each as
    consecutive words and not qualified by another field ("financial counsellor" is not)."""
    words = row.words
    return frozenset(p for i, w in enumerate(words) for p in subject.get(w, ())
                     if words[i:i + len(p)] == p and not qualified(list(words), i))


def _on_subject(rows: list[_Segment], subject: frozenset[Phrase],
                off: frozenset[str] = frozenset()) -> list[bool]:
    """For each segment: whether the talk within SUBJECT_NEAR_S seconds of it is on the course's
    subject: at least SUBJECT_MIN distinct subject phrases (therapy, counselling, feelings;
    `topics.subject_phrases`) said there, and more of them than distinct words of other subjects
    (`subject.off_subject_stems` in `off`: a budgeting show that says "shame" and "feel" says
    budget, debt, rent and wages more). The neighbourhood is bounded in time, so the cost stays
    linear in segments."""
    by_first = _by_first_stem(subject)
    said = [_subject_said(row, by_first) for row in rows]
    strayed = [row.stems & off for row in rows]
    out = []
    lo = 0
    for row in rows:
        while rows[lo].end < row.start - SUBJECT_NEAR_S:
            lo += 1
        near: set[Phrase] = set()
        elsewhere: set[str] = set()
        k = lo
        while k < len(rows) and rows[k].start <= row.end + SUBJECT_NEAR_S:
            near |= said[k]
            elsewhere |= strayed[k]
            k += 1
        out.append(len(near) >= SUBJECT_MIN and len(near) > OFF_SHARE * len(elsewhere))
    return out


@dataclass(frozen=True)
class Evidence:
    """How much of one module a window holds."""

    phrases: float              # sum of key-term weight x idf over the module's terms it holds
    terms: int                  # distinct key terms it holds
    facets: tuple[float, ...]   # per facet of the module: its weights x stem rarity it holds
    facet_stems: tuple[int, ...] = ()   # per facet: its stems the window says (`facet_scores`; () = not counted)

    def _held(self) -> list[float]:
        """The facet scores of the facets said in at least FACET_MIN_STEMS distinct stems: one
        word of a facet, however rare ("front" of a front door, "line" of a queue), is a shared
        word, not the sub-idea; its score still counts towards `score`."""
        if not self.facet_stems:
            return list(self.facets)
        return [f for f, n in zip(self.facets, self.facet_stems) if n >= FACET_MIN_STEMS]

    @property
    def facets_held(self) -> int:
        """Facets the window holds at least FACET_MIN of, each in FACET_MIN_STEMS distinct stems."""
        return sum(1 for f in self._held() if f >= FACET_MIN)

    @property
    def score(self) -> float:
        """Key terms plus the two best-held facets: talk on two sub-ideas outranks talk on one."""
        top = sorted(self.facets, reverse=True)[:2]
        return self.phrases + FACET_WEIGHT * sum(top)

    @property
    def holds_idea(self) -> bool:
        """Evidence of the idea, not of a shared word: two facets, one facet held strongly, or
        MIN_TERMS distinct key terms of the module (which module, if any, is `_labels`' to decide)."""
        return (self.facets_held >= 2 or max(self._held(), default=0.0) >= FACET_STRONG
                or self.terms >= MIN_TERMS)


def window_evidence(rows: list[_Segment], first: int, last: int, modules: list[Topic],
                    weight_idf: dict[str, dict[Phrase, float]], rarity: dict[str, float],
                    index: FacetIndex | None = None, centre: int | None = None) -> dict[str, Evidence]:
    """module ident -> Evidence for the window rows[first..last] (inclusive). `index`: the
    modules' `facets.facet_index` (built here when not given); `centre`: the segment the window
    is centred on, whose talk counts most (`_said`)."""
    held, stems = _said(rows, first, last, centre)
    facets = {topic.ident: topic.facets for topic in modules}
    index = facet_index(facets) if index is None else index
    held_facets, counts = facet_scores(stems, index, rarity, facets, FACET_STEM_MIN)
    out = {}
    for topic in modules:
        mine = [p for p in held if p in topic.weights]
        out[topic.ident] = Evidence(sum(weight_idf[topic.ident][p] * held[p] for p in mine), len(mine),
                                    tuple(held_facets[topic.ident]), tuple(counts[topic.ident]))
    return out


def _said(rows: list[_Segment], first: int, last: int,
          centre: int | None = None) -> tuple[dict[Phrase, float], dict[str, float]]:
    """The topic phrases and the stems said in rows[first..last] (inclusive), each with how much
    it counts: 1 said at the `centre` segment, falling linearly to 1 - EDGE_FALLOFF at WINDOW_S / 2
    from it (the most over the segments saying it), so a segment is judged by its own talk more
    than by its neighbours'. Without `centre`, everything counts 1."""
    held: dict[Phrase, float] = {}
    stems: dict[str, float] = {}
    for row in rows[first:last + 1]:
        share = 1.0 if centre is None else max(
            0.0, 1.0 - EDGE_FALLOFF * abs(row.start - rows[centre].start) / (WINDOW_S / 2))
        for p in row.found:
            held[p] = max(held.get(p, 0.0), share)
        for s in row.stems:
            stems[s] = max(stems.get(s, 0.0), share)
    return held, stems


def contrast(rows: list[_Segment], first: int, last: int, pair: tuple[Topic, Topic],
             weight_idf: dict[str, dict[Phrase, float]], rarity: dict[str, float],
             index: FacetIndex, centre: int | None = None) -> tuple[float, float]:
    """The Evidence.score of each of two neighbouring modules over rows[first..last], each term
    and each facet stem counted only by how much more it weighs in that module than in the other
    (max(0, mine - theirs)): what the two share cancels out, and what decides is what each
    teaches more of. Sycophancy talk is claimed by module 2 and module 5 alike; it goes to 2 if
    it goes on to the model trained to please, to 5 if to dependence and privacy. `index`: the
    modules' `facets.facet_index`."""
    held, stems = _said(rows, first, last, centre)
    a, b = pair

    def strongest(ident: str, stem: str) -> float:
        return max((w for owner, _, w in index.get(stem, ()) if owner == ident), default=0.0)
    scores = []
    for mine, other in ((a, b), (b, a)):
        facet = [0.0] * len(mine.facets)
        for stem, share in stems.items():
            theirs = strongest(other.ident, stem)
            for owner, n, w in index.get(stem, ()):
                if owner == mine.ident and w > theirs:
                    facet[n] += (w - theirs) * rarity.get(stem, 0.0) * share
        phrases = [max(0.0, weight_idf[mine.ident][p] - weight_idf[other.ident].get(p, 0.0)) * share
                   for p, share in held.items() if p in mine.weights]
        scores.append(Evidence(sum(phrases), sum(1 for x in phrases if x > 0), tuple(facet)).score)
    return scores[0], scores[1]


def course_lexicon(modules: list[Topic], terms: list[Topic], subject: Iterable[Phrase]) -> frozenset[str]:
    """Every stem the course says: its modules' sections and plain words, its key terms, its
    glossary's terms and definitions, and the subject's phrases (`_elsewhere`)."""
    return frozenset({s for t in modules for f in t.facets for s in f.said}
                     | {s for t in terms if t.term for s in t.term.context}
                     | {s for t in [*modules, *terms] for p in t.weights for s in p}
                     | {s for p in subject for s in p})


def _foreign_counts(rows: list[_Segment], lexicon: frozenset[str]) -> list[tuple[int, int]]:
    """For each segment: (content words, those of another field) said within FOREIGN_NEAR_S
    seconds of it: another field's are uncommon in English (Zipf under FOREIGN_ZIPF,
    `everyday.zipf`) and never said by the course (`lexicon`: every stem of its modules, their
    plain words, the glossary and the subject seed). Counted once an episode; `_elsewhere` reads
    them at each share it is asked."""
    out = []
    for first, last in _centred(rows, FOREIGN_NEAR_S):
        content = sum(rows[k].content for k in range(first, last + 1))
        foreign = sum(len(rows[k].uncommon - lexicon) for k in range(first, last + 1))
        out.append((content, foreign))
    return out


def _elsewhere(counts: list[tuple[int, int]], share: float = FOREIGN_MAX) -> list[bool]:
    """For each segment: whether the talk near it is in another field's words: more than `share`
    (FOREIGN_MAX unless given) of its content words are another field's (`_foreign_counts`).
    Lamb, rosemary and a lid; a squat, muscle and rest days; a dashboard, onboarding and
    retention: each field has its own vocabulary, and talk that shares a word of the course ("my
    therapy", "relapse", "client session") inside it is that field's talk. Everyday words and
    the course's own are neutral, so plain speech about care is not."""
    return [foreign > share * max(1, content) for content, foreign in counts]


def _centred(rows: list[_Segment], half: float = WINDOW_S / 2) -> Iterable[tuple[int, int]]:
    """(first, last) of the window around each segment: the segments starting within `half`
    seconds (WINDOW_S / 2 unless given) either side of its start (last inclusive). Centred, so a segment is judged by the talk
    on both sides of it, not only by what follows (a forward window at the end of one module's talk
    is mostly the next module's)."""
    lo = hi = 0
    for i, row in enumerate(rows):
        while rows[lo].start < row.start - half:
            lo += 1
        hi = max(hi, i)
        while hi + 1 < len(rows) and rows[hi + 1].start <= row.start + half:
            hi += 1
        yield lo, hi


def _labels(rows: list[_Segment], modules: list[Topic], weight_idf: dict[str, dict[Phrase, float]],
            rarity: dict[str, float], subject: frozenset[Phrase] = frozenset(),
            off: frozenset[str] = frozenset(), index: FacetIndex | None = None,
            lexicon: frozenset[str] = frozenset(), personal: list[bool] | None = None,
            fitted: Decision | None = None,
            foreign: list[tuple[int, int]] | None = None) -> list[tuple[str, float] | None]:
    """For each segment of one episode: the module its talk is about and the evidence's score,
    or None.

    A segment goes to at most one module: of the modules whose evidence over the window around it
    (`_centred`) holds the idea (`Evidence.holds_idea`), the one the fitted decision
    (`companion.course.decision`, `fitted` or the shipped one) finds most probable, when that
    probability reaches its threshold (`_candidates` gives each its features). With `subject`,
    only where the course's subject is said near it and outweighs talk on another subject
    (`_on_subject`); with `lexicon` (`course_lexicon`), not where the talk near it is in another
    field's words (`_elsewhere`). `personal` (`_personal`) and `foreign` (`_foreign_counts`) of
    the rows, when the caller has them.
    """
    fitted = decision.load() if fitted is None else fitted
    out: list[tuple[str, float] | None] = []
    for candidates in _candidates(rows, modules, weight_idf, rarity, subject, off, index, lexicon, personal,
                                  foreign):
        label = None
        if candidates:
            p, ident, score = max((fitted.probability(x), ident, score) for ident, score, x in candidates)
            if p >= fitted.threshold:
                label = (ident, score)
        out.append(label)
    return out


def _candidates(rows: list[_Segment], modules: list[Topic], weight_idf: dict[str, dict[Phrase, float]],
                rarity: dict[str, float], subject: frozenset[Phrase] = frozenset(),
                off: frozenset[str] = frozenset(), index: FacetIndex | None = None,
                lexicon: frozenset[str] = frozenset(),
                personal: list[bool] | None = None,
                foreign: list[tuple[int, int]] | None = None) -> list[list[tuple[str, float, list[float]]]]:
    """For each segment: (module ident, Evidence.score, features in `decision.FEATURES` order) of
    each module whose evidence over the window around the segment holds the idea, where the
    subject gate (`_on_subject`) and the other-field gate (`_elsewhere`) let a module claim it
    (empty elsewhere). Linear: one window a segment, each bounded in time."""
    near = _on_subject(rows, subject, off) if subject else [True] * len(rows)
    plain = [True] * len(rows)
    if lexicon:
        foreign = _foreign_counts(rows, lexicon) if foreign is None else foreign
        near = [n and not f for n, f in zip(near, _elsewhere(foreign))]
        plain = [not f for f in _elsewhere(foreign, PLAIN_FOREIGN_MAX)]
    if index is None:
        index = facet_index({topic.ident: topic.facets for topic in modules})
    if personal is None:
        personal = _personal(rows, care_phrases(subject))
    framing = framed([row.words for row in rows])      # as fitted: the closing signpost is the stretches' rule
    by_ident = {topic.ident: topic for topic in modules}
    facets = {topic.ident: topic.facets for topic in modules}
    windows = list(_centred(rows))
    evidence = [window_evidence(rows, first, last, modules, weight_idf, rarity, index, i) if near[i] and modules
                else None for i, (first, last) in enumerate(windows)]
    out: list[list[tuple[str, float, list[float]]]] = []
    for i, (first, last) in enumerate(windows):
        here = evidence[i]
        if here is None:
            out.append([])
            continue
        ranked = sorted(here.items(), key=lambda kv: -kv[1].score)
        best = ranked[0][1].score
        holding = [ident for ident, e in ranked if e.holds_idea and e.score > 0]
        lead: dict[str, float] = {}
        if len(holding) >= 2:
            a, b = holding[0], holding[1]
            mine, theirs = contrast(rows, first, last, (by_ident[a], by_ident[b]), weight_idf, rarity, index, i)
            lead = {a: mine - theirs, b: theirs - mine}
        candidates = []
        for rank, (ident, e) in enumerate(ranked):
            if ident not in holding:
                continue
            other = max((x.score for k, x in ranked if k != ident), default=0.0)
            before = evidence[i - 1][ident].score if i > 0 and evidence[i - 1] is not None else 0.0
            after = evidence[i + 1][ident].score if i + 1 < len(rows) and evidence[i + 1] is not None else 0.0
            features = [e.score, math.log1p(e.score), e.phrases, float(e.terms), float(e.facets_held),
                        max(e._held(), default=0.0), e.score / best if best else 0.0, float(rank == 0),
                        e.score - other, float(plain[i]), float(personal[i]),
                        _holds(rows[i], by_ident[ident], weight_idf[ident], rarity, index, facets),
                        float(framing[i]), float(len(holding)), lead.get(ident, 0.0), before, after]
            candidates.append((ident, e.score, features))
        out.append(candidates)
    return out


def _stretches(slug: str, rows: list[_Segment], labels: list[tuple[str, float] | None],
               modules: list[Topic], weight_idf: dict[str, dict[Phrase, float]],
               rarity: dict[str, float], index: FacetIndex | None = None,
               personal: list[bool] | None = None,
               lexicon: frozenset[str] | None = None,
               anchored: list[bool] | None = None,
               foreign: list[tuple[int, int]] | None = None) -> list[tuple[str, Stretch]]:
    """Runs of segments labelled with one module as stretches (module ident, stretch), each
    trimmed to its first and last segment that holds some of the module's idea itself
    (`_holds`), so a stretch starts and ends where the talk does.

    With `personal` (per segment: does it say a person's mind or care, `_personal`), a run is a
    stretch only if one of its own segments does, or it starts within PERSON_FOLLOW_S seconds
    of a stretch of the same module kept just before it (the same talk, split by a segment the
    window gave elsewhere): a beekeeper's "crisis", "waiting list" and "cost of treatment", or a
    plumber's "client relationship", near talk on the subject but about no one's mind, is not.

    With `lexicon` (`course_lexicon`), a brief stretch (fewer than BRIEF_HOLDING segments holding
    the idea) whose words are under BRIEF_PERSON_SHARE people (I, she, you ...) is another field's
    aside, and dropped, when its content words are under BRIEF_COURSE_SHARE the course's or, with
    `anchored` (per segment: does it name the domain, `_anchored`), when none of its own segments
    names the domain: a bank's "bot" and "trust", a court's "support" and "system", a robot
    vacuum's "model" and "privacy policy" are said of a bank, a court and a vacuum. `foreign`:
    `_foreign_counts` of the rows, when the caller has them."""
    by_ident = {topic.ident: topic for topic in modules}
    facets = {topic.ident: topic.facets for topic in modules}
    index = facet_index(facets) if index is None else index
    framing = framed([row.words for row in rows], [row.start for row in rows])
    if lexicon is None:
        elsewhere = [False] * len(rows)
    else:
        elsewhere = _elsewhere(_foreign_counts(rows, lexicon) if foreign is None else foreign)
    out: list[tuple[str, Stretch]] = []
    i = 0
    while i < len(rows):
        if labels[i] is None:
            i += 1
            continue
        ident = labels[i][0]
        j = i
        while (j + 1 < len(rows) and labels[j + 1] is not None and labels[j + 1][0] == ident
               and rows[j + 1].end - rows[i].start <= MAX_STRETCH_S):
            j += 1
        topic = by_ident[ident]
        held = {k: _holds(rows[k], topic, weight_idf[ident], rarity, index, facets) for k in range(i, j + 1)}
        # a greeting, an introduction or a preview names the idea without discussing it
        holding = [k for k, v in held.items() if v > 0 and not framing[k]]
        follows = bool(out) and out[-1][0] == ident and rows[i].start - out[-1][1].end <= PERSON_FOLLOW_S
        # a paraphrase spreads the idea thinly: every line says a little, none enough alone; a
        # shorter run counts too where it names the domain, away from another field's talk
        if len(holding) < MIN_HOLDING and (j - i + 1 >= SUSTAINED_RUN or (
                j - i + 1 >= SHORT_RUN and rows[j].end - rows[i].start >= SHORT_RUN_S
                and anchored is not None and any(anchored[i:j + 1])
                and not any(elsewhere[max(0, i - 1):j + 2]))):
            thin = [k for k in range(i, j + 1) if not framing[k] and _holds(
                rows[k], topic, weight_idf[ident], rarity, index, facets, THIN_BAR) > 0]
            if len(thin) >= SUSTAINED_SHARE * (j - i + 1):
                holding = thin
        if len(holding) >= MIN_HOLDING and (personal is None or follows or any(personal[i:j + 1])):
            first, last = holding[0], holding[-1]
            if lexicon is not None and len(holding) < BRIEF_HOLDING and _aside(rows, first, last, lexicon, anchored):
                i = j + 1
                continue
            line = max(range(first, last + 1), key=held.__getitem__)
            said = dict.fromkeys(rows[k].body[b:e] for k in range(first, last + 1)
                                 for p, (b, e) in rows[k].found.items() if p in topic.weights)
            score = max(labels[k][1] for k in range(i, j + 1))
            out.append((ident, Stretch(slug, rows[first].start, rows[last].end, score,
                                       _line(rows, first, line, last), tuple(said))))
        i = j + 1
    return out


def _aside(rows: list[_Segment], first: int, last: int, lexicon: frozenset[str],
           anchored: list[bool] | None) -> bool:
    """Whether the brief stretch rows[first..last] is another field's aside, not the course's
    talk. Told of things (under BRIEF_PERSON_SHARE of its words people): when its content words
    are under BRIEF_COURSE_SHARE the course's (`lexicon`), or when none of its own segments names
    the domain (`anchored`). Told of people: when nothing within ANCHOR_NEAR_S seconds of it names
    the domain, for a person's talk names its subject once and goes on in pronouns ("she" is the
    counsellor named a line before), while a hairdresser's "session", "client" and "consultation"
    never name it at all."""
    if person_share([w for row in rows[first:last + 1] for w in row.words]) < BRIEF_PERSON_SHARE:
        return (_course_share(rows[first:last + 1], lexicon) < BRIEF_COURSE_SHARE
                or (anchored is not None and not any(anchored[first:last + 1])))
    if anchored is None:
        return False
    lo, hi = _within(rows, first, ANCHOR_NEAR_S)[0], _within(rows, last, ANCHOR_NEAR_S)[1]
    return not any(anchored[lo:hi + 1])


def _course_share(rows: Sequence[_Segment], lexicon: frozenset[str]) -> float:
    """The share (0..1) of the content words said in `rows` whose stems the course says
    (`course_lexicon`), common or rare in English; 1.0 when they say no content word."""
    said = [s for row in rows for s in row.content_stems]
    return sum(s in lexicon for s in said) / len(said) if said else 1.0


def _personal(rows: list[_Segment], care: frozenset[Phrase]) -> list[bool]:
    """For each segment: whether it says a person's mind or care itself: a word for a feeling
    (`feelings.is_feeling`) or a care phrase (`feelings.care_phrases`: therapy, a psych, shame,
    Lifeline; not a client, a session or a chatbot, which other fields have too), not qualified
    by another field ("financial counsellor" is not)."""
    by_first = _by_first_stem(care)
    return [bool(row.feelings) or bool(_subject_said(row, by_first)) for row in rows]


def _anchored(rows: list[_Segment], domain: frozenset[Phrase], terms: list[Topic]) -> list[bool]:
    """For each segment: whether it names the course's domain itself (keyword in context: what
    the course's words around it are said of): a domain phrase (`feelings.domain_phrases`), or a
    one-word glossary term that is an everyday word ("stigma", "waitlist") with a word of its
    definition said within TERM_CONTEXT_S seconds, as a glossary mark needs. A closed compound the
    transcript splits in two ("wait list", "life line", "chat bot") counts as its one word; a
    function word never joins one ("the rapist" is not "therapist"). A care role named once in the
    episode ("peer worker") is named again by its head noun alone ("the worker", `feelings.role_heads`)."""
    by_first = _by_first_stem(domain)
    singles = {p[0] for p in domain if len(p) == 1}
    everyday = {p[0]: t.term.context for t in terms if t.term and t.term.needs_context for p in t.term.phrases
                if len(p) == 1}
    heads = role_heads()
    named: set[str] = set()          # heads of the care roles named so far in this episode
    out = []
    for i, row in enumerate(rows):
        joined = {stem(a + b) for a, b in zip(row.words, row.words[1:])
                  if a not in STOPWORDS and b not in STOPWORDS}      # "the rapist" is no therapist
        found = _subject_said(row, by_first)
        said = bool(found) or bool(joined & singles) or bool(named & row.stems)
        named.update(heads[p] for p in found if p in heads)
        if not said and (wanted := (row.stems | joined) & everyday.keys()):
            near = _near_stems(rows, i, TERM_CONTEXT_S)
            said = any(everyday[w] & near for w in wanted)
        out.append(said)
    return out


def _within(rows: list[_Segment], i: int, seconds: float) -> tuple[int, int]:
    """(first, last) of the segments within `seconds` of segment `i` (itself included)."""
    first, last = i, i
    while first > 0 and rows[first - 1].end >= rows[i].start - seconds:
        first -= 1
    while last + 1 < len(rows) and rows[last + 1].start <= rows[i].end + seconds:
        last += 1
    return first, last


def _near_stems(rows: list[_Segment], i: int, seconds: float) -> frozenset[str]:
    """The stems said in the segments within `seconds` of segment `i` (itself included)."""
    first, last = _within(rows, i, seconds)
    return frozenset().union(*(rows[k].stems for k in range(first, last + 1)))


def _holds(row: _Segment, topic: Topic, weight_idf: dict[Phrase, float], rarity: dict[str, float],
           index: FacetIndex, facets: dict[str, list[Facet]], bar: float = 1.0) -> float:
    """How much of `topic`'s idea one segment says on its own: its key terms' weight x idf of at
    least EDGE_MIN_SCORE, plus its best facet's score of at least EDGE_FACET_MIN (0 if neither);
    `bar` scales both minimums (THIN_BAR: a little of the idea)."""
    terms = sum(weight_idf[p] for p in row.found if p in topic.weights)
    facet = max(facet_scores(row.stems, index, rarity, facets)[0][topic.ident], default=0.0)
    return (terms if terms >= bar * EDGE_MIN_SCORE else 0.0) + (facet if facet >= bar * EDGE_FACET_MIN else 0.0)


def _line(rows: list[_Segment], lo: int, at: int, hi: int) -> str:
    """The text of segment `at`, joined by its neighbours within rows lo..hi while it is short
    (a publisher's transcript may have one word a segment)."""
    first = last = at
    def length() -> int:
        return sum(len(rows[k].body) + 1 for k in range(first, last + 1))
    while length() < LINE_MIN_CHARS and (first > lo or last < hi):
        if last < hi:
            last += 1
        if length() < LINE_MIN_CHARS and first > lo:
            first -= 1
    return " ".join(rows[k].body for k in range(first, last + 1))


def _term_stretches(slug: str, rows: list[_Segment], topic: Topic,
                    where: dict[Phrase, list[int]]) -> tuple[Stretch | None, Mark | None]:
    """The best stretch of one episode for a glossary term, and where to mark it first.
    `where`: phrase -> indexes of the rows holding it."""
    term = topic.term
    assert term is not None
    best: Stretch | None = None
    mark: Mark | None = None
    for i in sorted({i for p in term.phrases for i in where.get(p, ())}):
        row = rows[i]
        hits = [(p, row.found[p]) for p in term.phrases if p in row.found]
        first, last = _within(rows, i, TERM_CONTEXT_S)
        context = len(term.context & frozenset().union(*(rows[k].stems for k in range(first, last + 1))))
        if term.needs_context and not context:
            continue
        if mark is None:
            mark = Mark(row.start, hits[0][1][0], hits[0][1][1], term.anchor)
        occurrences = sum(1 for k in range(first, last + 1) for p in term.phrases if p in rows[k].found)
        score = occurrences + 0.5 * context
        if best is None or score > best.score:
            said = tuple(dict.fromkeys(row.body[b:e] for _, (b, e) in hits))
            best = Stretch(slug, rows[first].start, rows[last].end, score, _line(rows, first, i, last), said)
    return best, mark


def _drop_overlapping(marks: list[Mark]) -> list[Mark]:
    """One mark per stretch of text: a longer term wins over a term inside it."""
    kept: list[Mark] = []
    for m in sorted(marks, key=lambda m: (m.segment_start, m.begin, -(m.end - m.begin))):
        if kept and kept[-1].segment_start == m.segment_start and m.begin < kept[-1].end:
            continue
        kept.append(m)
    return kept


def weave(episodes: dict[str, Sequence[Segment]], modules: list[Topic],
          terms: list[Topic], subject: frozenset[Phrase] | None = None,
          fitted: Decision | None = None) -> Weave:
    """Match every module and glossary term against every episode's segments.

    `episodes`: slug -> its transcript's segments (`companion.episode.Segment`, in time order).
    Returns a `Weave` whose lists are best first (modules: by score; terms: by score, then date
    order as given). Raises nothing for odd input: an episode with no segments matches nothing.
    `subject`: phrases that say the course's subject (default `topics.subject_phrases(terms)`);
    a module claims a window only where one is said within SUBJECT_NEAR_S seconds. `fitted`: the
    decision that gives a segment its module (default the shipped one, `decision.load`, which
    raises `decision.DecisionError` when its file is missing or malformed).
    """
    if subject is None:
        subject = subject_phrases(terms)
    scanned = scan_episodes(episodes, [*modules, *terms])
    weights = idf(scanned)
    rarity = stem_rarity(scanned)
    off = off_subject_stems(s for t in modules for f in t.facets for s in f.said)
    weight_idf = {t.ident: {p: w * weights.get(p, 0.0) for p, w in t.weights.items()} for t in modules}
    index = facet_index({t.ident: t.facets for t in modules})
    result = Weave({t.ident: [] for t in modules}, {t.ident: [] for t in terms}, {})
    lexicon = course_lexicon(modules, terms, subject)
    care = care_phrases(subject)
    domain = domain_phrases(subject, (p for t in terms if t.term and not t.term.needs_context
                                      for p in t.term.phrases))
    for slug, rows in scanned.items():
        personal = _personal(rows, care)
        foreign = _foreign_counts(rows, lexicon)
        labels = _labels(rows, modules, weight_idf, rarity, subject, off, index, lexicon, personal, fitted,
                         foreign)
        anchored = _anchored(rows, domain, terms)
        for ident, stretch in _stretches(slug, rows, labels, modules, weight_idf, rarity, index, personal,
                                         lexicon, anchored, foreign):
            result.modules[ident].append(stretch)
        where: dict[Phrase, list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            for p in row.found:
                where[p].append(i)
        marks = []
        for topic in terms:
            stretch, mark = _term_stretches(slug, rows, topic, where)
            if stretch is not None:
                result.terms[topic.ident].append(stretch)
            if mark is not None:
                marks.append(mark)
        result.marks[slug] = _drop_overlapping(marks)
    for lists in (result.modules, result.terms):
        for ident in lists:
            lists[ident].sort(key=lambda s: -s.score)
    return result
