# ruff: noqa: E501 - prose, one paragraph a line
"""The privacy notice every new building starts with, in each kiosk language.

It names what the GDPR asks a notice to name: the controller (the company
visited), the processor (the platform operator), the purpose, how long data is
kept (each company's own period, shown with its name), who sees the data, the
visitor's rights and whom to ask. `{building}` is replaced by the building's name.
"""

DEFAULT_NOTICE_VERSION = "1"

PRIVACY_NOTICES: dict[str, str] = {
    "en": """Privacy notice for visitors of {building}

Who is responsible: the company you visit is the controller of your data. The reception services company that runs this visitor register processes it on that company's behalf (processor) and uses it for nothing else.

What and why: we record your name, the company you represent, your contact details if you give them, whom you visit and when you arrive and leave. We use this only to announce you to your host, to know who is in the building for safety and evacuation, and to keep a register of visits.

How long: each company keeps visit records for its own retention period, shown next to its name when you choose whom you visit. After that period the records are deleted.

Who sees it: your host's company and the building's front desk while you are expected or on site. Visitors never see other visitors' data.

Your rights: you may ask to see, correct, export or erase your data, and to object to or restrict its use. Ask the company you visit, or the front desk, who will pass your request on. You may also complain to your data protection authority.""",
    "fr": """Avis de confidentialité pour les visiteurs de {building}

Responsable : l'entreprise que vous visitez est responsable du traitement de vos données. La société de services d'accueil qui gère ce registre les traite pour le compte de cette entreprise (sous-traitant) et ne les utilise à aucune autre fin.

Quoi et pourquoi : nous enregistrons votre nom, l'entreprise que vous représentez, vos coordonnées si vous les donnez, la personne que vous visitez et vos heures d'arrivée et de départ. Nous les utilisons uniquement pour vous annoncer à votre hôte, savoir qui se trouve dans le bâtiment pour la sécurité et l'évacuation, et tenir un registre des visites.

Durée : chaque entreprise conserve les visites pendant sa propre durée de conservation, indiquée à côté de son nom lorsque vous choisissez qui vous visitez. Passé ce délai, les données sont supprimées.

Qui y a accès : l'entreprise de votre hôte et l'accueil du bâtiment, pendant que vous êtes attendu ou présent. Les visiteurs ne voient jamais les données d'autres visiteurs.

Vos droits : vous pouvez demander à consulter, corriger, exporter ou effacer vos données, et vous opposer à leur utilisation ou la limiter. Adressez-vous à l'entreprise visitée ou à l'accueil, qui transmettra votre demande. Vous pouvez aussi introduire une plainte auprès de votre autorité de protection des données.""",
    "nl": """Privacyverklaring voor bezoekers van {building}

Verantwoordelijke: het bedrijf dat u bezoekt, is verwerkingsverantwoordelijke voor uw gegevens. Het onthaalbedrijf dat dit bezoekersregister beheert, verwerkt ze in opdracht van dat bedrijf (verwerker) en gebruikt ze voor niets anders.

Wat en waarom: we registreren uw naam, het bedrijf dat u vertegenwoordigt, uw contactgegevens als u die opgeeft, wie u bezoekt en wanneer u aankomt en vertrekt. We gebruiken dit alleen om u bij uw gastheer aan te melden, om voor veiligheid en evacuatie te weten wie in het gebouw is, en om een bezoekersregister bij te houden.

Hoe lang: elk bedrijf bewaart bezoeken gedurende zijn eigen bewaartermijn, vermeld naast zijn naam wanneer u kiest wie u bezoekt. Daarna worden de gegevens gewist.

Wie ziet ze: het bedrijf van uw gastheer en het onthaal van het gebouw, zolang u verwacht wordt of aanwezig bent. Bezoekers zien nooit gegevens van andere bezoekers.

Uw rechten: u kunt vragen uw gegevens in te zien, te verbeteren, te exporteren of te wissen, en bezwaar maken tegen of beperking vragen van het gebruik ervan. Vraag het aan het bedrijf dat u bezoekt of aan het onthaal, dat uw verzoek doorgeeft. U kunt ook klacht indienen bij uw gegevensbeschermingsautoriteit.""",
    "de": """Datenschutzhinweis für Besucher von {building}

Verantwortlich: Das Unternehmen, das Sie besuchen, ist Verantwortlicher für Ihre Daten. Der Empfangsdienstleister, der dieses Besucherregister betreibt, verarbeitet sie im Auftrag dieses Unternehmens (Auftragsverarbeiter) und nutzt sie zu keinem anderen Zweck.

Was und warum: Wir erfassen Ihren Namen, das Unternehmen, das Sie vertreten, Ihre Kontaktdaten, falls Sie sie angeben, wen Sie besuchen und wann Sie kommen und gehen. Wir nutzen dies nur, um Sie bei Ihrem Gastgeber anzumelden, um für Sicherheit und Evakuierung zu wissen, wer im Gebäude ist, und um ein Besucherregister zu führen.

Wie lange: Jedes Unternehmen bewahrt Besuche für seine eigene Aufbewahrungsfrist auf, die neben seinem Namen angezeigt wird, wenn Sie wählen, wen Sie besuchen. Danach werden die Daten gelöscht.

Wer sie sieht: das Unternehmen Ihres Gastgebers und der Empfang des Gebäudes, solange Sie erwartet werden oder anwesend sind. Besucher sehen nie Daten anderer Besucher.

Ihre Rechte: Sie können Auskunft, Berichtigung, Export oder Löschung Ihrer Daten verlangen sowie der Nutzung widersprechen oder sie einschränken lassen. Wenden Sie sich an das besuchte Unternehmen oder an den Empfang, der Ihre Anfrage weiterleitet. Sie können sich auch bei Ihrer Datenschutzaufsichtsbehörde beschweren.""",
}
