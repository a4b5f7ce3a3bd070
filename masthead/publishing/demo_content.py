"""The demo newsroom's words: invented, neutral local news. Places and people are fictional."""

SITE = {
    "name": "The Harbour Ledger",
    "tagline": "Independent news for Port Ellery and the coast",
    "about": "The Harbour Ledger is a reader-funded newsroom covering Port Ellery and the villages of the coast. "
    "Everything on this demo site is invented.",
}

SECTIONS = [
    (
        "City",
        "city",
        "Council decisions, transport, housing and the life of Port Ellery's streets.",
    ),
    (
        "Environment",
        "environment",
        "The sea, the cliffs, the weather and the people who watch over them.",
    ),
    ("Culture", "culture", "Festivals, museums, books and the arts along the coast."),
]

AUTHORS = [
    (
        "Maya Okafor",
        "maya-okafor",
        "City reporter",
        "Maya covers the council, transport and housing. She has reported from Port Ellery for nine years.",
    ),
    (
        "Tomás Lindqvist",
        "tomas-lindqvist",
        "Environment correspondent",
        "Tomás writes about the coast, its wildlife and its weather. He trained as a marine biologist.",
    ),
    (
        "Aiko Brennan",
        "aiko-brennan",
        "Culture editor",
        "Aiko edits the culture pages and reviews exhibitions, concerts and new books.",
    ),
    (
        "Samuel Adeyemi",
        "samuel-adeyemi",
        "Photographer",
        "Samuel's photographs of the harbour have appeared in the Ledger since its first issue.",
    ),
    (
        "Priya Raman",
        "priya-raman",
        "Data reporter",
        "Priya turns public records into stories, and checks the numbers in everyone else's.",
    ),
]

# Each article: section slug, slug, headline, standfirst, author slugs, tags, hours ago, body paragraphs,
# and optional extras: "gallery" (a title and number of photos), "video", "quote".
ARTICLES = [
    {
        "section": "city",
        "slug": "winter-ferry-timetable-extended",
        "title": "Harbour ferry timetable extended through the winter",
        "standfirst": "The crossing to Gull Island will run four times a day until March, after a trial last year "
        "carried more passengers than expected.",
        "authors": ["maya-okafor"],
        "tags": ["transport", "ferry", "Gull Island"],
        "hours_ago": 3,
        "body": [
            "The harbour authority has agreed to keep the Gull Island ferry running four times a day through the "
            "winter months, ending the long-standing practice of reducing the service to a single weekend crossing "
            "from November.",
            "A trial last winter carried 11,400 passengers between November and March, about a third more than the "
            "authority had forecast. Most were island residents travelling to work, school and the clinic in town.",
            "The extended timetable will cost an estimated $86,000 in additional crew and fuel, to be shared between "
            "the harbour authority and the county's rural transport fund.",
            "Island residents said the change would make a practical difference. Several told the Ledger that the "
            "winter gap had previously meant arranging lifts with fishing boats or staying in town overnight.",
            "The first winter sailing leaves the north quay at 07:15 on the first Monday of November.",
        ],
        "quote": (
            "Reliable crossings in winter are what let families stay on the island all year.",
            "Ruth Calloway, island community council",
        ),
    },
    {
        "section": "city",
        "slug": "quay-street-cycle-lanes-approved",
        "title": "Council approves protected cycle lanes on Quay Street",
        "standfirst": "Work on a 1.2 km route from the station to the harbour is due to start in spring, "
        "with parking moved to the side streets.",
        "authors": ["maya-okafor", "priya-raman"],
        "tags": ["transport", "cycling", "council"],
        "hours_ago": 20,
        "body": [
            "Port Ellery's planning committee voted seven to two on Tuesday evening to build protected cycle lanes "
            "along Quay Street, the main road between the railway station and the harbour.",
            "The scheme replaces 64 on-street parking spaces with kerb-separated lanes in both directions. "
            "Forty-eight of those spaces will be re-created on Mill Lane and Chandler's Row.",
            "Traffic counts commissioned by the council found that about 900 bicycles use the street on a typical "
            "weekday, a figure that has doubled since 2019.",
            "Traders' representatives asked for deliveries to remain possible before 10:00, and the committee "
            "added loading bays to the final design.",
            "Construction is expected to take fourteen weeks and will be phased so that the street stays open.",
        ],
    },
    {
        "section": "city",
        "slug": "library-late-opening-thursdays",
        "title": "Central library to open late on Thursdays",
        "standfirst": "Evening hours until 21:00 begin next month, funded by a reorganisation of staff rotas "
        "rather than new spending.",
        "authors": ["maya-okafor"],
        "tags": ["library", "council"],
        "hours_ago": 30,
        "body": [
            "The central library on Market Square will stay open until 21:00 every Thursday from the start of next "
            "month, the council's culture and leisure department announced.",
            "The change follows a survey of 2,300 library users in which evening opening was the most requested "
            "improvement, ahead of more study space and longer loan periods.",
            "No additional staff will be hired. Instead, the library will open an hour later on Monday mornings, "
            "currently its quietest time.",
            "The library's study rooms, public computers and local history collection will all be available during "
            "the extra hours.",
        ],
    },
    {
        "section": "city",
        "slug": "housing-survey-results",
        "title": "Housing survey counts 310 homes empty for more than a year",
        "standfirst": "The council will write to owners offering grants for repairs in return for letting the "
        "homes at set rents.",
        "authors": ["priya-raman"],
        "tags": ["housing", "council", "data"],
        "hours_ago": 52,
        "body": [
            "A door-to-door survey carried out over the summer has found 310 homes in Port Ellery that have been "
            "empty for more than twelve months, out of roughly 14,800 in the town.",
            "About half are in the old town, where many buildings need structural repairs before they can be let. "
            "The rest are spread across the town, including 41 flats above shops on the high street.",
            "The council plans to offer repair grants of up to 25,000 per home to owners who agree to let the "
            "property at a rent set at 80 per cent of the local market rate for at least five years.",
            "The full survey, with figures for each ward, is published on the council's website.",
        ],
    },
    {
        "section": "city",
        "slug": "station-footbridge-reopens",
        "title": "Station footbridge reopens after repairs",
        "standfirst": "The Victorian bridge linking the two platforms has new steps, lighting and a lift.",
        "authors": ["maya-okafor", "samuel-adeyemi"],
        "tags": ["transport", "railway"],
        "hours_ago": 75,
        "body": [
            "The footbridge at Port Ellery station reopened on Friday after eight months of repairs, restoring the "
            "direct link between the two platforms.",
            "Engineers replaced corroded steelwork, rebuilt the steps and installed a lift on each side, making "
            "both platforms accessible without a detour through the car park for the first time.",
            "The original cast-iron railings, made in 1889, were removed, restored and refitted.",
        ],
        "gallery": ("The footbridge, restored", 4),
    },
    {
        "section": "environment",
        "slug": "seabird-count-northern-cliffs",
        "title": "Volunteers count seabirds on the northern cliffs",
        "standfirst": "Guillemot numbers are stable and kittiwakes have returned to two ledges abandoned "
        "five years ago, this year's survey found.",
        "authors": ["tomas-lindqvist", "samuel-adeyemi"],
        "tags": ["wildlife", "seabirds", "volunteers"],
        "hours_ago": 6,
        "body": [
            "Forty volunteers spent three days in June counting nesting seabirds along the six kilometres of cliffs "
            "north of the harbour, the twelfth year of the annual survey.",
            "They recorded 4,180 guillemots, within a few per cent of last year's figure, and 612 pairs of "
            "kittiwakes, including birds nesting on two ledges that had been empty since 2020.",
            "Counts are made from the cliff path and from a boat, using photographs that are checked afterwards by "
            "two people independently.",
            "The survey's organisers said that a single good year does not make a trend, but that the kittiwakes' "
            "return was encouraging.",
        ],
        "gallery": ("Along the northern cliffs", 5),
    },
    {
        "section": "environment",
        "slug": "tidal-energy-pilot-milestone",
        "title": "Tidal energy pilot reaches first milestone",
        "standfirst": "A single turbine moored off Brack Point has generated power for 1,000 hours without "
        "a fault.",
        "authors": ["tomas-lindqvist"],
        "tags": ["energy", "tidal power"],
        "hours_ago": 27,
        "body": [
            "The small tidal turbine installed off Brack Point in the spring has now run for 1,000 hours, the "
            "first milestone in a two-year trial run by a university engineering group and the harbour authority.",
            "The turbine, about the size of a small car, sits on the seabed in 18 metres of water and turns in "
            "both directions as the tide floods and ebbs.",
            "Researchers are also monitoring the turbine's effect on fish and marine mammals using underwater "
            "cameras and acoustic sensors. So far they have recorded no collisions.",
            "A short film about the installation is below.",
        ],
        "video": (
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "How the turbine was lowered into place",
        ),
    },
    {
        "section": "environment",
        "slug": "beach-clean-results",
        "title": "Autumn beach clean collects 1.4 tonnes of litter",
        "standfirst": "Fishing gear made up almost half of what was collected on the three town beaches.",
        "authors": ["tomas-lindqvist", "priya-raman"],
        "tags": ["beaches", "volunteers", "litter"],
        "hours_ago": 49,
        "body": [
            "More than 200 people took part in the autumn beach clean on Saturday, collecting 1.4 tonnes of litter "
            "from North Sands, Harbour Beach and Kestrel Cove.",
            "Volunteers sorted and weighed everything they found. Lost or discarded fishing gear, mostly rope and "
            "netting, accounted for 46 per cent of the total weight.",
            "Plastic bottles and food packaging made up most of the rest. The organisers noted fewer cotton-bud "
            "sticks than in previous years.",
        ],
    },
    {
        "section": "environment",
        "slug": "storm-season-flood-barriers",
        "title": "Flood barriers tested ahead of the storm season",
        "standfirst": "The harbour's demountable barriers were put up in under two hours during Sunday's drill.",
        "authors": ["tomas-lindqvist"],
        "tags": ["flooding", "weather", "harbour"],
        "hours_ago": 98,
        "body": [
            "Crews from the harbour authority and the fire service assembled the town's demountable flood barriers "
            "along the harbour front on Sunday morning, in the annual test ahead of the winter storms.",
            "The 380-metre line of aluminium panels was complete in one hour and 52 minutes, inside the target of "
            "two hours set after the floods of 2014.",
            "The barriers are stored in a warehouse on the industrial estate and are put up when forecasts show a "
            "high tide coinciding with a strong onshore wind.",
        ],
    },
    {
        "section": "culture",
        "slug": "jazz-festival-lineup",
        "title": "Harbour jazz festival announces its lineup",
        "standfirst": "Thirty-two concerts over four days in July, with a free stage on the quay for local bands.",
        "authors": ["aiko-brennan"],
        "tags": ["music", "festivals"],
        "hours_ago": 9,
        "body": [
            "The Port Ellery Jazz Festival will return in July with 32 concerts across four days, its organisers "
            "announced on Wednesday.",
            "Headline concerts will be held in the Assembly Rooms and in a marquee on the green, while a free stage "
            "on the quay will host local and student bands every afternoon.",
            "Tickets go on sale next month. For the first time, the festival will hold back a share of tickets for "
            "each concert for residents of the town.",
        ],
    },
    {
        "section": "culture",
        "slug": "lighthouse-lens-restored",
        "title": "Museum restores 19th-century lighthouse lens",
        "standfirst": "The 1,200-piece glass lens from the old Brack Point light goes on display after "
        "two years of conservation.",
        "authors": ["aiko-brennan", "samuel-adeyemi"],
        "tags": ["museums", "history", "lighthouse"],
        "hours_ago": 33,
        "body": [
            "The maritime museum has put the restored lens of the Brack Point lighthouse on display, two years "
            "after it was taken apart for conservation.",
            "The lens, installed in 1872, is made of more than 1,200 pieces of hand-ground glass set in a brass "
            "frame. It focused the light of an oil lamp into a beam visible 20 nautical miles out to sea.",
            "Conservators cleaned each piece, repaired the frame and replaced missing glass with replicas that "
            "are marked so they can be told apart from the originals.",
            "The lens is displayed in a new gallery with the lighthouse's logbooks and the keepers' uniforms.",
        ],
        "gallery": ("The lens, piece by piece", 6),
        "quote": (
            "Every piece of glass was ground by hand. We wanted visitors to be able to see that.",
            "Helena Marsh, conservator",
        ),
    },
    {
        "section": "culture",
        "slug": "book-festival-schools",
        "title": "Book festival brings authors into every primary school",
        "standfirst": "Eighteen writers and illustrators will visit the town's schools during the autumn festival.",
        "authors": ["aiko-brennan"],
        "tags": ["books", "festivals", "schools"],
        "hours_ago": 58,
        "body": [
            "All eleven primary schools in Port Ellery will receive a visit from an author or illustrator during "
            "this year's book festival, the organisers have said.",
            "The schools programme is funded by a local charitable trust and includes a free book for every child "
            "in the years visited.",
            "The public programme, with talks, readings and workshops, runs over the following weekend at the "
            "Assembly Rooms and the central library.",
        ],
    },
    {
        "section": "culture",
        "slug": "community-orchard-harvest",
        "title": "Community orchard celebrates its first full harvest",
        "standfirst": "Apples from forty trees planted on former allotments were pressed into juice at the "
        "weekend.",
        "authors": ["aiko-brennan", "maya-okafor"],
        "tags": ["community", "food"],
        "hours_ago": 80,
        "body": [
            "The community orchard on Hill Road held its first harvest day on Saturday, six years after volunteers "
            "planted forty apple and pear trees on land that was once allotments.",
            "About 600 kilograms of fruit were picked and pressed into juice, which was sold to raise money for "
            "the orchard's upkeep.",
            "Most of the trees are old local varieties grafted from cuttings taken in gardens around the town.",
        ],
    },
    {
        "section": "city",
        "slug": "bus-route-night-service",
        "title": "Night bus trial to link town centre and hospital",
        "standfirst": "An hourly service until 01:00 will run for six months from January.",
        "authors": ["priya-raman"],
        "tags": ["transport", "buses", "hospital"],
        "hours_ago": 120,
        "body": [
            "A six-month trial of a night bus between the town centre and the general hospital will begin in "
            "January, the county's transport department has confirmed.",
            "Buses will run hourly until 01:00 from Monday to Saturday, mainly to serve hospital staff finishing "
            "late shifts.",
            "Passenger numbers will be published monthly, and the route will be kept if it carries an average of "
            "at least 20 passengers per journey.",
        ],
    },
]

# The newsroom's standing pages, linked from the footer: (title, slug, kind, intro, body), the
# body as (heading or "", paragraph) pairs.
INFO_PAGES = [
    (
        "About us",
        "about-us",
        "AboutPage",
        "The Harbour Ledger is an independent, reader-funded newsroom for Port Ellery and the coast.",
        [
            (
                "",
                "We were founded in 2019 by four reporters who wanted the coast to have a newsroom of "
                "its own again. We cover the council, the sea, the cliffs and the culture of the towns "
                "along them.",
            ),
            (
                "Who pays for our journalism",
                "Most of our money comes from readers' donations. We take no money from political "
                "parties, and no advertiser sees a story before it is published.",
            ),
            (
                "Contact the newsroom",
                "Write to news@harbourledger.example, or call 01234 567 890 on weekdays.",
            ),
        ],
    ),
    (
        "Corrections policy",
        "corrections-policy",
        "WebPage",
        "When we get something wrong, we say so, and we fix it in the open.",
        [
            (
                "",
                "We correct errors of fact as soon as we know of them. A corrected article says at "
                "its foot what was wrong and when it was fixed.",
            ),
            (
                "How to report an error",
                "Write to corrections@harbourledger.example with the article's address and what you "
                "believe is wrong. An editor answers within two working days.",
            ),
        ],
    ),
]

# A section and the story its editor pinned to the top of it (an older one: the list is not by date).
PINNED = ("city", "station-footbridge-reopens")
