"""The words that name a speaker by role or kind, and the verbs that attribute a claim to
them (`rag.news.speakers`)."""

from __future__ import annotations

# What a figure is "according to" as often as a person: documents and counts; a speaker, but
# no person's title ("…," reports Janet Levaux).
DOCUMENTS = frozenset(
    "manifest records report reports data figures tally estimate estimates documents list "
    "census survey poll study statement".split()
)
# Lower-case words that can be (part of) a speaker: roles and bodies ("a spokesman for the
# navy", "Indonesian officials", "coast guard commander Ana Ruiz").
ROLES = (
    frozenset(
        "spokesman spokeswoman spokesperson spokesmen official officials minister ministers "
        "president police navy army military agency ministry government authorities authority "
        "sources source analysts analyst experts expert witnesses witness residents resident chief "
        "head director commander lawyer lawyers attorney prosecutors prosecutor investigators "
        "investigator officer officers company airline committee council board coach manager "
        "leader leaders guard coast group union court judge mayor governor secretary ambassador "
        "envoy diplomat diplomats researchers scientists doctors rescuers rescue search survivor "
        "survivors relatives family representative negotiators aide aides adviser advisers "
        "economist economists statement department office service services operator operators "
        "regulator regulators organizers organisers spokespeople team forces force campaign "
        # Bodies that speak as one ("The utility said 85,000 customers had lost power").
        "utility utilities firm railway railways hospital hospitals morgue charity inspectorate "
        "federation bank watchdog insurer carrier embassy prefecture corps newspaper newspapers "
        # Who works a campaign or a race ("said one GOP operative in the state").
        "operative operatives strategist strategists consultant consultants "
        # Who runs a body, and who speaks in court ("Michael Fitton, defending, said").
        "executive executives boss ceo chairman chairwoman founder barrister solicitor counsel "
        "defending prosecuting "
        # Elected members ("Jeff Miller, a city councilman in Hendersonville, said").
        "councilman councilwoman councillor councilor lawmaker lawmakers legislator legislators "
        "senator senators congressman congresswoman "
        # People named by who they are to someone ("the father said", "a neighbour told …").
        "father mother son daughter brother sister wife husband widow widower uncle aunt cousin "
        "friend friends neighbour neighbor neighbours neighbors colleague colleagues "
        "teammate "
        # Who claim an act or stand against it as one ("The gang still says it holds …",
        # round 23; "The hackers say …", "Militants said …")
        "gang gangs hackers attackers kidnappers militants rebels insurgents activists "
        "campaigners protesters association".split()
    )
    | DOCUMENTS
)

# Speakers that are a body, never "he" or "she" (`rag.news.speakers`).
BODIES = frozenset(
    "ministry agency government police company authority authorities department office "
    "service council committee court group union firm utility hospital army navy military "
    "board team institute prefecture corps".split()
)

# Verbs that attribute what follows or precedes them to their subject.
SAID_VERBS = (
    "said|says|say|told|tells|added|adds|announced|announces|stated|states|warned|warns|"
    "claimed|claims|denied|denies|insisted|insists|confirmed|confirms|noted|notes|explained|"
    "acknowledged|argued|argues|reported|reports|wrote|writes|written|asserted|stressed|declared|"
    "admitted|maintained|alleged|urged|predicted|tweeted|posted|vowed|cautioned|conceded|"
    "promised|promises|pledged|pledges|affirmed|affirms|apologised|apologized|apologises|"
    "apologizes|suggest|suggests|suggested|instructed|replied|replies|recalled|recalls|joked|"
    "quipped|remarked|countered|spoke|speaks|"
    # A reply, a question, a complaint carry someone's words as "said" does ('"Are you OK?"
    # the voice asked.', '… ," Prelogar responded.'; evals/speakers dev 0.801 -> 0.814).
    "responded|responds|continued|complained|complains|whispered|whispers|echoed|asked|asks|"
    # Verbs of stance carry a claim as much as "said" does ("Hamas accused Netanyahu of …").
    "accused|accuses|rejected|rejects|dismissed|dismisses|described|describes|characterized|"
    "characterised|blamed|blames|condemned|condemns|welcomed|welcomes|questioned|disputed|"
    "criticized|criticised|criticizes|criticises|"
    # Estimates and beliefs are claims too ("Officials estimate that 12,000 people marched").
    # ("estimates", "forecasts" are left out: as often the plural noun, "Growth forecasts …")
    "estimate|estimated|expect|expects|believe|believes|forecast"
)
