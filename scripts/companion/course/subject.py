"""Is a stretch of talk on the course's subject (mental-health care), or on another one?

A podcast drifts: a budgeting segment says "cost", "waiting list", "free" and "a financial
counsellor"; cricket commentary says "relationship", "accept", "model", "training"; a dating
show says "rejection"; a transplant ward says "rejection", "acceptance" and "recovery". Module 6
is about money too, so money words alone cannot rule talk out: what does is talk on *another
subject* outweighing the course's own. Two rules, both by kind:

- A profession or treatment word qualified by another field is not the subject: "financial
  counsellor", "retail therapy", "physical therapy", "speech therapist" (`QUALIFIERS`).
- The everyday vocabulary of the subjects a podcast drifts to (`OFF_SUBJECT`: money without
  care, sport, cooking, gardening, dating, gadgets, shopping, travel, home and car, and the
  body's medicine: surgery, a transplant, a fracture) counts against the subject; a word of
  these lists that the course's own pages use is dropped from them (`off_subject_stems`), so
  only words the course never teaches count against it.

The lists are seeds from the everyday vocabulary of each field, not from labelled talk.
"""

from __future__ import annotations

from typing import Iterable

from companion.course.topics import stem

# Words that, said just before "counsellor", "therapy" and the like, name another field.
QUALIFIERS = frozenset(stem(w) for w in """
financial finance debt money budget budgeting credit mortgage tax retail shopping physical physio
speech occupational sports sport massage beauty hair career careers legal relationship-coach
""".split())

OFF_SUBJECT: dict[str, tuple[str, ...]] = {
    "money without care": tuple("""budget budgeting debt loan mortgage rent renter landlord savings
        bank interest wage wages salary invest investing investment shares stocks superannuation tax
        credit spending expenses subscription subscriptions bills groceries inflation repayments
        payday pension retirement fund""".split()),
    "sport": tuple("""cricket football soccer rugby tennis basketball netball innings wicket bowler
        bowling batter batting umpire referee goal goals season league premiership finals striker
        stadium crowd fans captain selectors pitch overs runs knee ligament marathon gym workout
        reps squad tournament""".split()),
    "cooking": tuple("""recipe recipes oven bake baking roast simmer ingredients flour garlic onion
        sauce dinner casserole stew soup teaspoon tablespoon marinate cooker slow-cooker""".split()),
    "gardening": tuple("""garden gardening soil compost seedlings prune pruning mulch weeds tomatoes
        roses watering fertiliser""".split()),
    "dating": tuple("""dating date dates swipe swiping tinder hinge bumble ghosted ghosting
        matches crush flirting romance boyfriend girlfriend""".split()),
    "gadgets": tuple("""battery camera megapixel zoom processor chip charger specs flagship
        smartphone laptop gaming console headphones bluetooth""".split()),
    "shopping": tuple("""shopping sale discount checkout cart bargain boutique fashion outfit
        shoes""".split()),
    "the body's medicine": tuple("""surgery surgeon operation transplant kidney liver dialysis
        organ donor graft hip fracture orthopaedic bloods scan x-ray stitches tendon ligament
        cast plaster concussion ward anaesthetic""".split()),
    "travel, home and car": tuple("""flight airport hotel passport luggage beach holiday
        renovation plumber tiles engine tyres""".split()),
}


def off_subject_stems(course_stems: Iterable[str]) -> frozenset[str]:
    """The stems of `OFF_SUBJECT` that the course's own pages never use (`course_stems`: every
    stem of the modules' text)."""
    taught = set(course_stems)
    return frozenset(stem(w) for words in OFF_SUBJECT.values() for w in words) - taught


def qualified(stems: list[str], at: int) -> bool:
    """Whether the word at index `at` of a segment's stems is qualified by another field
    ("financial counsellor"): the word before it is in QUALIFIERS."""
    return at > 0 and stems[at - 1] in QUALIFIERS
