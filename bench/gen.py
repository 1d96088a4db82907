#!/usr/bin/env python3
"""Generates a reproducible news-like corpus for the benchmark: JSON Lines articles of
about 10 sentences, each sentence about 25 words, built from templates written for jirga
and from the names and verbs of the project's dictionaries. Same seed, same corpus."""
import json, random, re, sys, glob, os

def load_names(root):
    actors, agents, verbs, sets = [], [], [], {}
    for path in sorted(glob.glob(os.path.join(root, "**", "*.txt"), recursive=True)):
        for line in open(path, encoding="utf-8"):
            line = line.split("#", 1)[0].strip()
            if " = " not in line:
                continue
            kind, rest = line.split(None, 1)
            body = rest.rsplit(" = ", 1)[0]
            alts = [a.strip() for a in body.split("|") if a.strip()]
            if kind == "set":
                name = body.strip().lstrip("&")
                sets[name] = [a.strip() for a in rest.rsplit(" = ", 1)[1].split("|") if a.strip()]
            elif kind == "actor":
                actors.extend(a for a in alts[:2] if a[:1].isupper())
            elif kind == "agent":
                agents.extend(a for a in alts[:1] if a.islower() and " " not in a)
            elif kind == "pattern":
                for a in alts:
                    m = re.match(r"^\$ ([a-z]+)( .*)?$", a)
                    if m:
                        verbs.append((m.group(1), (m.group(2) or "").strip()))
    return actors, agents, verbs, sets

def past(v):
    irregular = {"meet": "met", "hold": "held", "take": "took", "say": "said", "make": "made", "give": "gave",
                 "send": "sent", "seek": "sought", "tell": "told", "fight": "fought", "shoot": "shot",
                 "lead": "led", "hit": "hit", "put": "put", "cut": "cut", "set": "set", "leave": "left",
                 "bring": "brought", "keep": "kept", "begin": "began", "win": "won", "break": "broke",
                 "speak": "spoke", "draw": "drew", "sell": "sold", "build": "built", "buy": "bought",
                 "lose": "lost", "quit": "quit", "go": "went", "come": "came", "see": "saw", "know": "knew", "run": "ran"}
    if v in irregular:
        return irregular[v]
    if v.startswith("re") and v[2:] in irregular:  # "retake", "resend"
        return "re" + irregular[v[2:]]
    # "lob", "ban", "commit", "control": a final consonant after one vowel doubles
    if re.search(r"(^|[^aeiou])[aeiou][bdglmnprt]$", v) and (
            len(re.findall(r"[aeiou]+", v)) == 1 or v.endswith(("mit", "trol", "pel")) or v in ("refer", "confer", "prefer")):
        return v + v[-1] + "ed"
    if v.endswith("e"):
        return v + "d"
    if v.endswith("y") and v[-2:-1] not in "aeiou":
        return v[:-1] + "ied"
    return v + "ed"

FILLERS = ["on Monday", "on Tuesday", "late on Wednesday", "last week", "in a statement", "according to officials",
           "in the capital", "after months of tension", "for the first time in years", "amid growing pressure",
           "despite repeated warnings", "earlier this month", "near the border", "during a visit to the region"]
TAILS = ["officials said.", "a spokesman said.", "state media reported.", "the ministry said in a statement.",
         "witnesses told reporters.", "according to a statement released by the government."]
NEUTRAL = ["Markets in the region closed slightly higher on the day as investors waited for more data on inflation.",
           "The weather service forecast heavy rain across the north of the country for the rest of the week.",
           "The national team won the match two goals to one in front of a crowd of forty thousand people."]

def sentence(rng, actors, agents, verbs, sets):
    a, b = rng.choice(actors), rng.choice(actors)
    verb, rest = rng.choice(verbs)
    rest = rest.replace("+", "the " + rng.choice(agents) + " of " + b).replace("%", "")
    # a set stands for one of its members: "&R20_MASSACRE" is "massacre" or "mass killing"
    rest = re.sub(r"&([A-Za-z0-9_]+)", lambda m: rng.choice(sets.get(m.group(1)) or [m.group(1).lower()]), rest)
    rest = re.sub(r"[$_]", " ", rest)
    shape = rng.randrange(6)
    f1, f2, tail = rng.choice(FILLERS), rng.choice(FILLERS), rng.choice(TAILS)
    if shape == 0:
        return "%s %s %s %s %s, %s" % (a, past(verb), rest or b, f1, f2, tail)
    if shape == 1:
        return "The %s of %s %s %s %s, and %s." % (rng.choice(agents), a, past(verb), rest or b, f1, f2)
    if shape == 2:
        return "%s said %s that %s had %s %s %s." % (a, f1, b, past(verb), rest or rng.choice(actors), f2)
    if shape == 3:
        return "%s and %s %s %s %s, %s" % (a, b, past(verb), rest or rng.choice(actors), f1, tail)
    if shape == 4:
        return "%s did not %s %s %s, %s" % (a, verb, rest or b, f1, tail)
    return rng.choice(NEUTRAL)

def main():
    out = sys.argv[1]
    sentences = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    root = sys.argv[3] if len(sys.argv) > 3 else "dictionaries/en"
    rng = random.Random(20261127)
    actors, agents, verbs, sets = load_names(root)
    with open(out, "w", encoding="utf-8") as f:
        n = doc = 0
        while n < sentences:
            k = min(10, sentences - n)
            text = " ".join(sentence(rng, actors, agents, verbs, sets) for _ in range(k))
            doc += 1
            f.write(json.dumps({"id": "bench-%d" % doc, "date": "2021-01-17", "title": "", "text": text}) + "\n")
            n += k

main()
