"""Each module section's idea in plain speech: how a guest says it without the module's words.

A module is written in the field's words ("rupture and repair", "unconditional positive regard",
"waitlist control"); a guest on a recovery podcast says the same idea in their own ("I stormed
out and the next week we talked it through", "it can't get sick of me", "the study only compared
it with people getting nothing"). `companion.course.facets` makes each paraphrase a facet of its
own beside the section it restates, so talk in plain words reaches the section's idea.

How these were written (keep to it when adding one): from the section's own text, one idea at a
time, as several everyday ways of saying it (verbs and nouns a person uses about their own life,
a friend, a counsellor, an app). Only words that carry the idea: no names, numbers or filler, and
no wording particular to one transcript or labelled test line (they were written after reading
tests/data/weave/blind-*.yml, so those sets flatter them; README, "The weave"). A section missing here is matched by its own words
only. Keys are the module number and the section's `## ` heading as written (the lead-in before
the first heading is ""); a key naming no section is not used, and tests/test_weave.py
says which (a heading renamed in the course must be renamed here too).
"""

from __future__ import annotations

PLAIN: dict[int, dict[str, str]] = {
    1: {
        "The relationship is part of the treatment": """
            the bond with my counsellor mattered more than any technique or tool; we worked on it
            together, agreed what we were working towards; trust in the person across the room; the
            relationship itself is what helps people get better""",
        "Acceptance as an active ingredient": """
            she accepted me as I was, warm, no judgement, never judged me; she understood me and
            cared; felt accepted and respected by my counsellor; being heard and understood without
            being judged is what changes people""",
        "Being fully seen": """
            I told them everything, confessed the worst things I had done, the parts of me I was
            ashamed of, the secrets I had hidden from everyone; I waited for the disgust, for
            judgement, to be thrown out; they knew the worst of me and did not leave, did not turn
            away, kept turning up, kept in touch, stayed; seen as I really am, the whole of me, and
            still wanted, still worth something""",
        "Corrective emotional experience": """
            the old hurt happened again with my counsellor but this time it ended differently; I
            expected to be shamed, punished or rejected the way my father or mother did when I was a
            kid, and instead they were kind and stayed calm; it changed what I expect from people; a
            new ending to an old story; I was certain she would be disgusted with me, waiting for
            the look on her face, the sigh, to be told we are done, the door, because that is what
            everyone did, my father, my ex, the people at work, the moment the real me came out they
            were off; and it did not happen, she stayed, was still there the next week; it changed
            what I thought people do with the worst of me""",
        "Attachment: the therapist as a secure base": """
            a safe place to come back to, somewhere steady and reliable, the same person at the same
            time every week; from there I could go out and try hard things and come back and tell
            them; I never had that growing up; over time I carried them inside me and could do it for
            myself; a secure base, feeling safe enough to explore""",
        "Rupture and repair": """
            we had a falling out, an argument, I got angry and lost my temper, stormed out or walked
            out of a session, stopped going, thought I would never go back, felt hurt or misunderstood
            by something they said; then we talked about what happened, they asked what they got wrong
            and owned their part, apologised, and we fixed it; the relationship survived the conflict
            and came back stronger; from the counsellor's chair: I made a mistake, forgot or mixed up
            an appointment, said something careless, and my client was angry and let down; instead of
            getting defensive I owned it and said they were right to be upset; we spent the session
            on it and the work went deeper after""",
    },
    2: {
        "Acceptance where rejection was possible": """
            kindness from someone who could have rejected me, could have left, could have walked away,
            could have given up on me; their staying meant something because leaving was possible;
            warmth that costs the other person nothing means little; approval that is earned, from
            someone free to refuse; the app could never think less of me, never judge me, there is
            nobody on the other side to let down; its niceness was guaranteed, so it meant nothing;
            a real person might have judged me and chose not to""",
        "What a language model is": """
            it just predicts the next word, works out what a kind person would type; trained to
            please, to keep you happy, to agree with you, tells you what you want to hear, takes your
            side; people rate the answers and like being agreed with, so it learns to flatter""",
        "Why the difference is invisible from inside the chat": """
            from inside the chat it feels the same, the words are just as kind or kinder, you cannot
            tell the difference; it sounds caring and understanding; finding out it was a machine
            changes how the same words feel""",
        "Where the argument goes past the evidence": """
            this is an argument, not a fact, nobody has tested it; people do feel close to these bots,
            feel a bond; some say a good therapist should never reject you anyway, the regard should
            be unconditional; the strongest objections deserve a hearing""",
        "What this means for people who use chatbots": """
            a bot can never get sick of you, never get tired of you, never decide you are too much,
            never leave, never be hurt or disappointed; it has nothing at stake, no one is there
            choosing to stay; so its kindness cannot do what a person's can""",
    },
    3: {
        "How to read a chatbot study": """
            the headline says the bot is as good as a therapist, but look at what it was compared
            with: people on a waiting list or given a leaflet, getting nothing; better than nothing is
            not as good as therapy; a short study over a few weeks, small, self reported""",
        "The first trial of a generative AI therapy chatbot": """
            a trial where people used the bot for some weeks and their symptoms improved compared with
            a waiting list; depression and anxiety scores went down; we do not know what happens after
            the study ends""",
        "What the reviews say": """
            when the trials were pooled together, the bots helped with depression and distress a bit,
            but overall wellbeing was not clearly better; the studies vary a lot in quality""",
        "Woebot and Wysa: the older generation": """
            the older scripted bots were tested in small short trials run by the company that made
            them, with people reporting on themselves; the makers paid for their own studies""",
        'The "digital therapeutic alliance"': """
            people fill in the same bond questionnaire about an app that they would about a human
            counsellor, and the scores come out similar; but the questionnaire was written for
            human relationships, so it may not measure the same thing""",
        "People feel bonded: what that does and does not show": """
            people say they feel understood and bonded to the bot, they keep using it; that shows
            engagement, not that it works like a therapist or that it is the same as being accepted by
            a person; nobody has measured that""",
        "Reading the evidence as a whole": """
            hold the evidence loosely: promising for some symptoms in the short term, not proven to
            replace therapy; independent researchers should repeat it""",
        "Appraising an app or chatbot": """
            how to check whether an app is any good: who made it, who tested it, was there a trial by
            someone not selling it, what was it compared with, what it does with your data, is it easy
            to use, does it work alongside your care; checklists and standards for judging apps""",
    },
    4: {
        "A tool for thinking, not a relationship": """
            I use it for some things, a tool not a therapist; it helps me think, but the person I see
            is the one I talk to""",
        "1. Journalling": """
            I write down what happened like a diary, type it out like a journal, get it out of my head
            onto the page; a diary that answers""",
        "2. Learning about mental health (psychoeducation)": """
            I ask it to explain what anxiety or depression is, what a diagnosis means, how a treatment
            works, to learn about my condition, then check it with my doctor""",
        "3. Thinking out loud": """
            talking through a decision with it, bouncing ideas off it, getting my thoughts straight by
            saying them out loud; asking it to argue the other side""",
        "4. Preparing for a session": """
            before my appointment I dump everything in and ask it to help me make a list of what to
            bring up, so I do not forget what matters when I get there; I take the list to my
            counsellor; to make the most of the time with the real person""",
        "5. Organising your thoughts": """
            it helps me sort the mess in my head into order, put my thoughts in a line, break a big
            worry into smaller pieces, plan the week""",
        "6. Checking catastrophising": """
            my mind jumped straight to the worst case, spiralled, expected disaster, the end of
            everything; I asked it to check the evidence for the thought, other explanations, how
            likely it really is; challenging the catastrophic thought""",
        "7. Words for feelings at 3am": """
            awake in the middle of the night with an awful feeling I cannot name; I ask it what this
            feeling might be, shame, dread, grief, anger, and having a word for it calms me; I take
            the word to my counsellor; if it is the unsafe kind of night I ring a crisis line, not the
            app; lying awake at three in the morning, cannot sleep, a knot in my stomach I had no word
            for; put a name to it, the right word, naming it shrank it; jot the words down for my
            next appointment""",
        "Technology that serves the relationship: progress feedback": """
            filling in a short questionnaire each session so the counsellor can see how I am tracking,
            whether I am getting better or worse""",
        "When to stop and reach a person: the short version": """
            if I am not safe, or it becomes the only thing I talk to, or I skip sessions because of
            it, that is the cue to stop and ring a person, a helpline, my GP, my counsellor""",
    },
    5: {
        "Unsafe and stigmatising replies": """
            the bots gave unsafe answers, judgemental or stigmatising replies about some conditions
            like addiction or schizophrenia, stigma baked in""",
        "Suicide risk: the hard middle ground": """
            when someone says it straight out the bot mostly gives the crisis number, but when they
            hint at not being okay it is patchy, all over the place; families have taken the companies
            to court; do not make a bot your crisis plan, call a crisis line or a person you trust""",
        "Sycophancy: the friend who always agrees": """
            the bot always agrees, takes your side, tells you you are right, flatters you, makes you
            more sure of yourself and less willing to make up after a fight, and people like it more
            for it; agreeing with someone in crisis instead of pushing back""",
        "Dependence and loneliness": """
            talking to an AI companion every night for hours, stopped seeing friends, cannot cope
            without it; the people who use it most are lonelier and more dependent, though which
            causes which is unclear; teenagers who call a bot their best friend; it crowds out real
            people""",
        "When AI is sold as therapy": """
            ads and apps calling themselves an AI therapist, professional care, always there; the
            label is the harm, people think they have found real help and stop looking, drop off
            waiting lists, skip a referral; selling a tool as therapy misleads people""",
        "Privacy: who else is in the room?": """
            who reads what you type into it; your chats may be used to train it or shared with
            partners; not confidential the way a doctor or counsellor is, whatever the terms say this
            week; another party listening in to your session""",
    },
    6: {
        "How common the need is": """
            lots of people struggle with their mental health each year and many never get help""",
        "What public support covers: Better Access": """
            the GP does a mental health plan and a referral, you get a rebate for some sessions with a
            psychologist, ten sessions a year if you are lucky, then you are on your own""",
        "What it costs": """
            it costs a lot out of pocket, the gap after the rebate, a hundred or two hundred dollars a
            session, on a low income or benefits you cannot afford it, priced out of care, insurance
            does not cover it""",
        "How long people wait": """
            every psychologist was booked out, no new patients, months on a waiting list, nobody in
            the country towns, a long drive to the nearest one""",
        "Why people turn to AI": """
            people talk to a chatbot because it is free, it is there at two in the morning, there is
            no waiting list, it is easier than ringing around, there is nobody else""",
        "Why this is a system failure": """
            it is not their fault or a personal failing; the system is broken, care should not depend
            on how much you earn; fix why there is nobody else instead of blaming people for using an
            app""",
        "The digital care Australia already funds": """
            free government funded online programs, courses you do on your phone with someone checking
            in with you, guided or on your own""",
        "Free human options now": """
            free services you can ring today: helplines, a phone line staffed by people, a community
            health centre, a GP, the crisis lines any hour""",
    },
    7: {
        "Four ways of responding to AI": """
            governments and regulators respond in different ways: ban it, restrict it, make it
            disclose, treat it as a medical device""",
        "Professional bodies": """
            the professional associations say AI should not stand in for care, practitioners stay
            responsible, and should talk with clients about it""",
        "United States: state laws": """
            some states passed laws banning apps from claiming to do therapy, others let chatbots run
            if they tell people it is a bot and have safeguards""",
        "Australia": """
            here the regulator can treat an app that claims to diagnose or treat as a medical device;
            registered practitioners have guidance on using AI; counsellors follow their own code""",
        "United Kingdom": """
            in Britain the medicines regulator and the health service set rules for apps""",
        "What the guidance agrees on": """
            the guidance agrees: tell people it is a machine, keep a human responsible, protect their
            data, do not let it stand in for care""",
        "Talking with clients about their AI use": """
            as a counsellor I ask every client whether they use apps or chatbots, like I ask about
            sleep or alcohol; curious not judging, so they do not feel judged and hide it; what did
            you ask it, what did it say, how did it feel; we look at what it said together; I tell
            clients about my own use of AI""",
        "AI in counsellor training": """
            students practise counselling skills on a pretend client played by AI, role play; practice
            alone made some worse; feedback from a tutor after each try is what helped them improve""",
    },
    8: {
        "Privacy: what the law asks of a counsellor": """
            as a practitioner the privacy law covers you however small your practice; where the
            recordings and notes go, servers overseas, how they are kept secure, who can read them; if
            there is a data breach you must tell the client and report it""",
        "Codes of ethics, applied by analogy": """
            the codes of ethics do not mention AI, so you work by analogy from what the
            confidentiality and competence standards say, and write down that you did""",
        "Mandatory reporting": """
            if a child tells me about abuse I have to report it, a duty to report; a chatbot has no
            duty, so a child who tells a bot is heard by no adult who can act""",
        "Cultural safety and equity": """
            for First Nations people wellbeing is family, community, culture and Country, all
            connected; whose data is it, who decides what happens to our stories; whether these tools
            treat our people fairly, bias; build it with community""",
        "Your own use of AI as a student": """
            using AI for assignments, the university's rules, saying that you used it, academic
            integrity and misconduct; never put anything about a client into it, not a case note or a
            summary; essays and exams, the marker, the tutor, the course coordinator, each unit with
            its own rule, declare it, cheating, plagiarism; nothing identifying from your placement
            clients, no names or details, even changed""",
        "Templates you can adapt": """
            a consent form for clients about an AI tool, what it does and where it goes, that they can
            say no; a one page policy for the practice; a checklist before buying an AI note taker""",
    },
}
