#!/usr/bin/env python3
"""Writes TrustDesk's triage corpus: train.tsv, test.tsv (held out by template family) and ham.tsv.

Deterministic: the same script gives the same files (seeded random, sorted inputs). Run from anywhere:
    python3 src/TrustDesk/Triage/Classifier/corpus/generate.py
Every text here was written for TrustDesk by its contributors (no scraped data); licence: the project's (see
docs/triage.md). Columns: text, category ("none" for ordinary text and hard negatives), severity (S1-S4 or "-"),
language, family, register, split.

How a row is made: a category has key phrases per language and several template *families* (different ways of
framing the problem). A family's template is filled with a key phrase and slots (items, names, amounts), then a
register (angry, pleading, terse, lower-case, typos, emoji, slang) is applied. The last family of every
(category, language) goes to the test split only, so the test measures sentence frames, registers and noise the
model never saw; the key phrases are shared between splits (they are the domain's vocabulary) and the hand-written
rows of handwritten.tsv add texts written without templates.
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261207

ITEMS = ["charizard", "psa 10 slab", "jordan 1s", "booster box", "rolex", "pikachu promo", "sealed etb", "yeezys",
         "topps chrome case", "luka rookie", "one piece box", "lv bag", "funko grail", "vintage jersey", "bgs 9.5",
         "mtg dual land", "wemby auto", "hobby box", "dunk lows", "graded moonbreon"]
SELLERS = ["@cardkingz", "@slabhouse", "@breakbros", "@kickvault", "seller mike_tcg", "@pullzone", "@grailsonly",
           "the host", "this seller", "@vintagevibes", "@ripnship", "@luxeresale"]
DAYS = ["3", "5", "9", "12", "15", "20", "30"]
AMOUNTS = ["$40", "$120", "$250", "$600", "$1,200", "85 dollars", "€300", "R$500", "$75"]

S1 = {"safety.self_harm", "safety.minor", "safety.child_exploitation", "conduct.threats_violence",
      "payments.account_takeover", "legal.law_enforcement_request"}

# --------------------------------------------------------------------------------------------------------------
# Categories: severity, key phrases by language, families of templates by language. {k} = key phrase.
# --------------------------------------------------------------------------------------------------------------
C = {}


def cat(code, sev, lang, keys, families):
    entry = C.setdefault(code, {"sev": sev, "langs": {}})
    entry["langs"][lang] = {"keys": keys, "families": families}


cat("order.not_received", "S3", "en",
    ["never arrived", "never got my order", "still hasnt shown up", "no package yet", "order never came",
     "havent received anything", "its been {d} days and nothing", "where is my order", "package is missing"],
    {"a": ["bought the {i} from {s} and it {k}", "my {i} {k}, seller wont answer", "ordered {i} {d} days ago, {k}"],
     "b": ["{k}. paid {a} for {i}", "{k}?? i paid already", "hello, {k}. order for {i}"],
     "c": ["it's been ages, {k}, what do i do about the {i}", "{s} took my money for the {i} and {k}",
           "can someone tell me why {k}, tracking hasnt moved"]})
cat("order.delivered_not_received", "S3", "en",
    ["says delivered but i never got it", "marked delivered but nothing here", "tracking says delivered, no box",
     "delivered to the wrong address", "porch was empty", "shows delivered yesterday but not here"],
    {"a": ["my {i} {k}", "{k}, the {i} from {s}", "order for {i}: {k}"],
     "b": ["{k}!! checked with neighbors too", "{k}. paid {a}", "{k} and the mailroom has nothing"],
     "c": ["package for the {i} {k}, i need a refund", "ups {k}", "usps {k}, what now"]})
cat("order.not_as_described", "S3", "en",
    ["not as described", "came damaged", "wrong item", "creased card", "different card than listed",
     "box was crushed", "corners are dinged", "not the one in the photos", "scratched all over"],
    {"a": ["the {i} i got from {s} is {k}", "{i} arrived and it's {k}", "received {i}, {k}"],
     "b": ["{k}. listing said mint", "{k}!! paid {a} for this", "{k}, want a return"],
     "c": ["opened the package and the {i} was {k}", "listing was nm but it's {k}", "{s} sent me a {k}"]})
cat("order.late_shipment", "S3", "en",
    ["hasnt shipped", "still not shipped", "no tracking after {d} days", "label created but never shipped",
     "seller hasnt sent it", "shipping is super late", "promised to ship in 2 days"],
    {"a": ["{s} {k}, bought {i} {d} days ago", "my {i} {k}", "the {i} {k} yet"],
     "b": ["{k}. its been {d} days", "{k}?? ordered last week", "{k} and seller is live selling more"],
     "c": ["why does it say {k} for my {i}", "it's been over a week and {s} {k}", "{k}, can you push them"]})
cat("order.missing_hit", "S2", "en",
    ["my hit from the break never came", "pulled my auto on stream but didnt ship it", "missing the hit from the break",
     "they kept my case hit", "box came without the numbered card i pulled", "break spot hit not in the package"],
    {"a": ["{s} {k}", "bought a spot, {k}", "{k}, was a {i}"],
     "b": ["{k}!! it was on stream", "{k}. everyone saw it pulled", "{k} and they say it was a base card"],
     "c": ["watched the rip live and {k}", "team spot in the break: {k}", "i have the vod, {k}"]})
cat("authenticity.counterfeit", "S2", "en",
    ["fake", "counterfeit", "its a replica", "not authentic", "a knockoff", "a reprint", "proxy card",
     "fake slab", "fake psa label", "rep shoes"],
    {"a": ["the {i} from {s} is {k}", "pretty sure this {i} is {k}", "{i} turned out to be {k}"],
     "b": ["{k}!! legit check failed", "{k}, the font is wrong", "got a {k}, paid {a}", "my buddy said it's {k}", "the grader said {k}"],
     "c": ["took it to my lcs and they said {k}", "cert number doesnt exist, {k}", "{s} is selling {k} {i}s"]})
cat("authenticity.altered_or_regraded", "S2", "en",
    ["trimmed edges", "card was trimmed", "slab was cracked and regraded", "recolored", "altered card",
     "resubmitted under a different cert", "pressed and cleaned", "cert doesnt match the card"],
    {"a": ["the {i} has {k}", "i think the {i} was {k}", "{s}'s {i}: {k}"],
     "b": ["{k}, look at the corners", "{k}!! grader confirmed", "{k}. paid {a}"],
     "c": ["checked the pop report and {k}", "under a loupe you can see {k}", "sent it to bgs, {k}"]})
cat("authenticity.resealed_packs", "S2", "en",
    ["resealed packs", "pack was searched", "box was resealed", "weighed packs", "shrink wrap is fake",
     "packs were tampered", "retaped the booster box", "someone searched the packs"],
    {"a": ["{s} sells {k}", "my box had {k}", "{k} in the {i}"],
     "b": ["{k}!! glue marks", "{k}, no hits at all", "{k}. bought {a} worth"],
     "c": ["opened on stream and clearly {k}", "the crimps look wrong, {k}", "pretty sure {k}, wrap was loose"]})
cat("authenticity.ip_infringement", "S3", "en",
    ["using my photos", "stole my listing pictures", "copyright", "trademark", "selling custom art of my design",
     "my logo on their shirts", "unlicensed merch", "copied my artwork"],
    {"a": ["{s} is {k}", "this listing is {k}", "{k} without permission"],
     "b": ["{k}. i own the rights", "{k}, please take it down", "{k} on their {i}"],
     "c": ["i'm the artist and they are {k}", "dmca: {k}", "report for {k} on the stream"]})
cat("auction.shill_bidding", "S2", "en",
    ["shill bidding", "fake bids", "bidding up their own item", "friend bidding to raise price",
     "alt account bidding", "bid ran up by the seller", "same guy bidding on every auction"],
    {"a": ["{s} is {k}", "pretty sure {k} on the {i}", "{k} in the stream"],
     "b": ["{k}!!", "{k}, price jumped to {a}", "{k}, watch the replay"],
     "c": ["every time i bid there is {k}", "the account that won never pays, {k}", "report {s} for {k}"]})
cat("auction.break_manipulation", "S2", "en",
    ["rigged break", "break was rigged", "randomizer was fake", "they switched the teams", "pre-searched the box",
     "break host swapped cards", "random team draw was fixed", "they pulled hits off camera"],
    {"a": ["{s} {k}", "the {i} break: {k}", "{k}, i bought 3 spots"],
     "b": ["{k}!! same guy got the best team", "{k}. look at the vod", "{k}, refund the spots"],
     "c": ["watched closely and {k}", "the camera cut and then {k}", "it is obvious {k}"]})
cat("auction.non_paying_bidder", "S3", "en",
    ["won but never paid", "buyer wont pay", "non paying bidder", "winner ghosted me", "unpaid auction",
     "bidder backed out after winning", "payment never came from winner"],
    {"a": ["{k} for the {i}", "{k}, sold for {a}", "this buyer {k}"],
     "b": ["{k}. {d} days now", "{k} again", "{k}, can you cancel and relist"],
     "c": ["as a seller: {k}", "the guy who won my {i} {k}", "third time this month {k}"]})
cat("auction.giveaway_rigging", "S3", "en",
    ["giveaway was rigged", "rigged giveaway", "giveaway winner was their friend", "fake giveaway",
     "they never ship giveaway prizes", "picked the winner before the wheel spun"],
    {"a": ["{s} {k}", "the {i} giveaway: {k}", "{k} on stream"],
     "b": ["{k}!!", "{k}. same name wins every time", "{k} lol scam"],
     "c": ["followed for months and {k}", "i won and {k}", "chat noticed {k}"]})
cat("auction.misleading_value", "S3", "en",
    ["lying about the value", "fake comps", "says it's worth way more", "misleading price claims",
     "inflated value", "claimed it was a grail", "fake market price"],
    {"a": ["{s} is {k}", "{k} on the {i}", "{k} to hype bids"],
     "b": ["{k}, ebay sold is {a}", "{k}!!", "{k}. misleading buyers"],
     "c": ["host kept saying {k}", "checked 130point, {k}", "new buyers fall for it, {k}"]})
cat("payments.off_platform", "S2", "en",
    ["asked me to pay on paypal friends and family", "wants cash app instead", "pay outside the app",
     "zelle only", "said it's cheaper if i pay direct", "venmo to avoid fees", "dm me to buy off platform"],
    {"a": ["{s} {k}", "seller {k} for the {i}", "{k} for {a}"],
     "b": ["{k}. is that allowed", "{k}, sketchy", "{k}!!"],
     "c": ["in the chat they {k}", "after i won, they {k}", "host told everyone {k}"]})
cat("payments.phishing_impersonation", "S2", "en",
    ["pretending to be support", "fake support account", "sent me a login link", "phishing link",
     "posing as staff", "asked for my password", "fake email from the app", "impersonating the company"],
    {"a": ["someone {k}", "an account is {k}", "got a dm {k}"],
     "b": ["{k}!! careful", "{k}, looked real", "{k}. asked for my code"],
     "c": ["this person in chat was {k}", "i almost fell for it, {k}", "they used your logo, {k}"]})
cat("payments.fake_prize_fee", "S2", "en",
    ["said i won but need to pay a fee", "prize fee", "pay shipping to claim prize", "you won, send a fee",
     "pay to unlock my prize", "claim fee for giveaway"],
    {"a": ["{s} {k}", "got a message {k}", "{k} of {a}"],
     "b": ["{k}. scam right", "{k}!!", "{k}, never entered"],
     "c": ["dm said {k}", "after the stream they {k}", "they wanted gift cards: {k}"]})
cat("payments.account_takeover", "S1", "en",
    ["someone hacked my account", "my account was hacked", "i got locked out and someone changed my email",
     "someone logged in and changed my payout bank", "password changed and it wasnt me",
     "orders i didnt make", "someone is selling from my account", "my 2fa was turned off by someone"],
    {"a": ["{k}", "help {k}", "{k}, please lock it"],
     "b": ["{k}!! my payout is gone", "{k} and they bought {a} of stuff", "{k}. urgent"],
     "c": ["woke up and {k}", "got a login alert from another country, {k}", "{k}, i cant get back in"]})
cat("payments.account_takeover", "S1", "es",
    ["me hackearon la cuenta", "alguien entró a mi cuenta", "cambiaron mi correo y contraseña",
     "alguien cambió mi cuenta bancaria de pagos", "compras que yo no hice", "no puedo entrar, me robaron la cuenta"],
    {"a": ["{k}", "ayuda {k}", "{k}, bloqueen la cuenta por favor"],
     "b": ["{k}!! urgente", "{k} y gastaron {a}", "{k}. no fui yo"],
     "c": ["me desperté y {k}", "me llegó un aviso de inicio de sesión, {k}", "{k}, qué hago"]})
cat("payments.account_takeover", "S1", "pt",
    ["hackearam minha conta", "alguém entrou na minha conta", "trocaram meu email e senha",
     "mudaram minha conta bancária de repasse", "compras que eu não fiz", "roubaram minha conta"],
    {"a": ["{k}", "socorro {k}", "{k}, bloqueiem por favor"],
     "b": ["{k}!! urgente", "{k} e gastaram {a}", "{k}. não fui eu"],
     "c": ["acordei e {k}", "recebi alerta de login, {k}", "{k}, o que eu faço"]})
cat("payments.account_takeover", "S1", "fr",
    ["on a piraté mon compte", "quelqu'un s'est connecté à mon compte", "ils ont changé mon email et mon mot de passe",
     "quelqu'un a changé mon rib pour les virements", "des achats que je n'ai pas faits", "on m'a volé mon compte"],
    {"a": ["{k}", "aidez moi {k}", "{k}, bloquez le compte svp"],
     "b": ["{k}!! urgent", "{k} et ils ont dépensé {a}", "{k}. ce n'est pas moi"],
     "c": ["je me suis réveillé et {k}", "j'ai reçu une alerte de connexion, {k}", "{k}, je fais quoi"]})
cat("payments.chargeback_abuse", "S3", "en",
    ["filed a chargeback after receiving", "opened a dispute with their bank", "chargeback even though delivered",
     "keeps doing chargebacks", "buyer disputed the charge", "bank reversal after delivery"],
    {"a": ["buyer {k}", "{k} for the {i}", "this guy {k}"],
     "b": ["{k}. tracking shows delivered", "{k}, {a} gone", "{k} again!!"],
     "c": ["as a seller i'm losing money, buyer {k}", "they even left good feedback then {k}", "{k}, i have proof"]})
cat("payments.refund_abuse", "S3", "en",
    ["asked for refund and kept the item", "sent back an empty box", "returned a different card",
     "claims not received every time", "refund scam", "swapped the card and returned a fake"],
    {"a": ["buyer {k}", "this account {k}", "{k} on my {i}"],
     "b": ["{k}!!", "{k}. third time", "{k}, {a} lost"],
     "c": ["i got the return and they {k}", "the buyer clearly {k}", "pattern: {k}"]})
cat("payments.stolen_card", "S2", "en",
    ["used a stolen card", "bought with a stolen credit card", "card owner says not authorized",
     "unauthorized purchase on my card", "someone used my credit card here", "fraudulent card payment"],
    {"a": ["{k}", "a buyer {k}", "{k} for {a}"],
     "b": ["{k}. bank called me", "{k}!!", "{k}, i dont even have an account"],
     "c": ["my bank statement shows {a}: {k}", "the buyer {k}, and i shipped", "{k}, cancel it"]})
cat("payments.ban_evasion", "S2", "en",
    ["banned seller is back", "new account same person", "ban evasion", "they came back under a new name",
     "same scammer different account", "was suspended and made another account"],
    {"a": ["{s}: {k}", "{k} selling {i}", "{k}, same address"],
     "b": ["{k}!!", "{k}. same voice on stream", "{k}, please ban again"],
     "c": ["i recognise the setup, {k}", "same packaging, {k}", "{k} with same payout name"]})
cat("payments.fake_tracking", "S2", "en",
    ["fake tracking number", "tracking is for another city", "tracking number is reused", "label never scanned",
     "tracking goes to someone else", "uploaded bogus tracking"],
    {"a": ["{s} gave a {k}", "{k} on my {i}", "{k} to get paid"],
     "b": ["{k}!!", "{k}. shows delivered in another state", "{k}, they got paid"],
     "c": ["checked the carrier site: {k}", "seller {k} so funds released", "{k}, seen it with 3 buyers"]})
cat("conduct.harassment", "S3", "en",
    ["keeps harassing me", "sending me nasty messages", "wont stop messaging me", "bullying me in chat",
     "insulting me in every stream", "calling me names", "stalking my streams to mock me", "keeps mocking buyers on air",
     "making fun of people in chat"],
    {"a": ["{s} {k}", "this user {k}", "{k} after i left feedback"],
     "b": ["{k}. blocked and they made a new one", "{k}!!", "{k}, please do something"],
     "c": ["for weeks now someone {k}", "every time i go live this guy {k}", "since the sale they {k}"]})
cat("conduct.staff_abuse", "S3", "en",
    ["your agent was rude", "support rep insulted me", "the moderator was abusive", "staff member mocked me",
     "support told me to shut up", "the agent hung up on me"],
    {"a": ["{k}", "{k} on chat", "{k} yesterday"],
     "b": ["{k}. unacceptable", "{k}!!", "{k}, i want a manager"],
     "c": ["i asked for help and {k}", "ticket about my {i}: {k}", "{k}, name was alex"]})
cat("conduct.hate", "S2", "en",
    ["racist comments", "hate speech in chat", "slurs about my religion", "told me to go back to my country",
     "nazi symbols in their username", "homophobic slurs", "said my kind are animals"],
    {"a": ["{s} posted {k}", "{k} on stream", "a viewer {k}"],
     "b": ["{k}!!", "{k}. screenshot attached", "{k}, ban them"],
     "c": ["during the break someone {k}", "the host laughed at {k}", "{k}, nobody moderated"]})
cat("conduct.sexual", "S2", "en",
    ["sent me nudes", "sexual messages", "explicit pictures", "asked me for sexy pics", "lewd comments",
     "showed himself on stream", "sexual harassment in dms"],
    {"a": ["{s} {k}", "a buyer {k}", "{k} after the auction"],
     "b": ["{k}. gross", "{k}!!", "{k}, i'm an adult but this is not ok"],
     "c": ["out of nowhere they {k}", "the host {k} during live", "{k}, please remove"]})
cat("conduct.doxxing", "S2", "en",
    ["posted my home address", "shared my phone number in chat", "doxxed me", "leaked my real name and address",
     "posted my address from the shipping label", "threatening to post my info"],
    {"a": ["{s} {k}", "a seller {k}", "{k} on stream"],
     "b": ["{k}!!", "{k}. i'm scared", "{k}, remove it now"],
     "c": ["after a dispute they {k}", "the buyer {k} in the chat", "{k} to their followers"]})
cat("conduct.threats_violence", "S1", "en",
    ["said he will kill me", "threatened to come to my house and hurt me", "i will find you and beat you",
     "threatening to shoot me", "said they know where i live and will hurt my family", "going to stab you",
     "will burn your house down", "said he's bringing a gun to my place"],
    {"a": ["{s} {k}", "a buyer {k}", "{k} over a refund"],
     "b": ["{k}!! i'm scared", "{k}. screenshots", "{k}, call police?"],
     "c": ["after i left bad feedback he {k}", "in dms the seller {k}", "on stream the host {k}"]})
cat("conduct.threats_violence", "S1", "es",
    ["dijo que me va a matar", "me amenazó con ir a mi casa", "te voy a encontrar y te voy a golpear",
     "amenazó con dispararme", "sabe dónde vivo y amenaza a mi familia", "te voy a apuñalar"],
    {"a": ["{s} {k}", "un comprador {k}", "{k} por un reembolso"],
     "b": ["{k}!! tengo miedo", "{k}. tengo capturas", "{k}, llamo a la policía?"],
     "c": ["después de mi reseña {k}", "por mensaje privado {k}", "en el directo el vendedor {k}"]})
cat("conduct.threats_violence", "S1", "pt",
    ["disse que vai me matar", "ameaçou ir na minha casa", "vou te achar e te bater",
     "ameaçou atirar em mim", "sabe onde eu moro e ameaça minha família", "vou te esfaquear"],
    {"a": ["{s} {k}", "um comprador {k}", "{k} por causa de reembolso"],
     "b": ["{k}!! tô com medo", "{k}. tenho print", "{k}, chamo a polícia?"],
     "c": ["depois da minha avaliação ele {k}", "no privado ele {k}", "na live o vendedor {k}"]})
cat("conduct.threats_violence", "S1", "fr",
    ["il a dit qu'il va me tuer", "menace de venir chez moi", "je vais te trouver et te frapper",
     "menace de me tirer dessus", "il sait où j'habite et menace ma famille", "je vais te poignarder"],
    {"a": ["{s} {k}", "un acheteur {k}", "{k} pour un remboursement"],
     "b": ["{k}!! j'ai peur", "{k}. j'ai des captures", "{k}, j'appelle la police?"],
     "c": ["après mon avis il {k}", "en message privé il {k}", "pendant le live le vendeur {k}"]})
cat("conduct.spam", "S4", "en",
    ["spamming the chat", "posting links in every stream", "follow for follow spam", "bot messages",
     "advertising their shop in my chat", "copy paste promo everywhere"],
    {"a": ["{s} is {k}", "a bot is {k}", "{k} nonstop"],
     "b": ["{k}, annoying", "{k}!!", "{k}. pls mute"],
     "c": ["every stream someone is {k}", "this account keeps {k}", "{k} with crypto links"]})
cat("safety.self_harm", "S1", "en",
    ["i want to kill myself", "i dont want to live anymore", "nobody would notice if i was gone",
     "been saving up my pills", "i'm going to end it tonight", "thinking about suicide", "i want to die",
     "cutting myself again", "there's no point in going on", "everyone would be better off without me",
     "he says he will kill himself on stream", "the host is talking about ending his life",
     "i cant do this anymore, wrote my goodbye", "gonna take all my meds", "i want to end it all", "going to overdose tonight",
     "i want to take my own life", "i dont want to wake up tomorrow", "going to swallow all the pills", "no reason to keep living"],
    {"a": ["{k}", "honestly {k}", "{k}. sorry"],
     "b": ["lost everything on breaks, {k}", "scammed out of {a} and {k}", "{k}, this was my last money"],
     "c": ["i don't even care about the refund, {k}", "it's not about the {i} anymore, {k}", "{k} and nobody answers me"]})
cat("safety.self_harm", "S1", "es",
    ["me quiero matar", "ya no quiero vivir", "nadie notaría si me muero", "he estado juntando pastillas",
     "voy a acabar con todo esta noche", "pienso en suicidarme", "quiero morirme", "me corto otra vez",
     "todos estarían mejor sin mí", "dice que se va a matar en el directo", "no quiero despertar mañana",
     "me voy a tomar todas las pastillas", "quiero quitarme la vida"],
    {"a": ["{k}", "la verdad {k}", "{k}. perdón"],
     "b": ["perdí todo en breaks, {k}", "me estafaron {a} y {k}", "{k}, era mi último dinero"],
     "c": ["ya no me importa el reembolso, {k}", "no es por la {i}, {k}", "{k} y nadie me responde"]})
cat("safety.self_harm", "S1", "pt",
    ["quero me matar", "não quero mais viver", "ninguém ia notar se eu sumisse", "tô juntando remédios",
     "vou acabar com tudo hoje", "penso em suicídio", "quero morrer", "me cortei de novo",
     "todo mundo ficaria melhor sem mim", "ele disse que vai se matar na live", "não quero acordar amanhã",
     "vou tomar todos os remédios", "quero tirar minha vida"],
    {"a": ["{k}", "sinceramente {k}", "{k}. desculpa"],
     "b": ["perdi tudo em breaks, {k}", "me golpearam em {a} e {k}", "{k}, era meu último dinheiro"],
     "c": ["nem ligo pro reembolso, {k}", "não é pela {i}, {k}", "{k} e ninguém me responde"]})
cat("safety.self_harm", "S1", "fr",
    ["je veux me tuer", "je ne veux plus vivre", "personne ne remarquerait si je disparaissais",
     "j'ai mis de côté mes médicaments", "je vais en finir ce soir", "je pense au suicide", "je veux mourir",
     "je me scarifie encore", "tout le monde serait mieux sans moi", "il dit qu'il va se suicider en live",
     "je veux mettre fin à mes jours", "je vais avaler tous mes médicaments", "je ne veux plus me réveiller"],
    {"a": ["{k}", "honnêtement {k}", "{k}. désolé"],
     "b": ["j'ai tout perdu dans les breaks, {k}", "arnaqué de {a} et {k}", "{k}, c'était mon dernier argent"],
     "c": ["je me fiche du remboursement, {k}", "ce n'est pas pour la {i}, {k}", "{k} et personne ne répond"]})
cat("safety.minor", "S1", "en",
    ["the seller is a kid", "a 12 year old is streaming", "this user is under 13", "child selling on live",
     "an adult is asking a kid to meet", "asking a minor for pics", "grooming a child in dms",
     "he asked my 14 year old son to keep it secret", "telling a kid to add him on snap"],
    {"a": ["{k}", "{s}: {k}", "{k}, please check"],
     "b": ["{k}!! not ok", "{k}. they said they're in 6th grade", "{k}, parents dont know"],
     "c": ["watched the stream and {k}", "in the chat {k}", "my daughter told me {k}"]})
cat("safety.minor", "S1", "es",
    ["el vendedor es un niño", "un niño de 12 años hace directos", "un adulto le pide a un niño que se vean",
     "le pide fotos a una menor", "está acosando a un menor por privado", "le dijo a mi hijo de 13 que lo guarde en secreto"],
    {"a": ["{k}", "{s}: {k}", "{k}, revisen por favor"],
     "b": ["{k}!! no está bien", "{k}. dijo que está en sexto", "{k}, los padres no saben"],
     "c": ["vi el directo y {k}", "en el chat {k}", "mi hija me contó que {k}"]})
cat("safety.minor", "S1", "pt",
    ["o vendedor é uma criança", "uma criança de 12 anos fazendo live", "um adulto pedindo pra criança encontrar ele",
     "pedindo fotos pra uma menor", "aliciando um menor no privado", "disse pro meu filho de 13 guardar segredo"],
    {"a": ["{k}", "{s}: {k}", "{k}, verifiquem por favor"],
     "b": ["{k}!! não tá certo", "{k}. disse que tá no sexto ano", "{k}, os pais não sabem"],
     "c": ["vi a live e {k}", "no chat {k}", "minha filha me contou que {k}"]})
cat("safety.minor", "S1", "fr",
    ["le vendeur est un enfant", "un enfant de 12 ans fait des lives", "un adulte demande à un enfant de le rencontrer",
     "demande des photos à une mineure", "harcèle un mineur en privé", "a dit à mon fils de 13 ans de garder le secret"],
    {"a": ["{k}", "{s} : {k}", "{k}, vérifiez svp"],
     "b": ["{k}!! pas normal", "{k}. il a dit qu'il est en sixième", "{k}, les parents ne savent pas"],
     "c": ["j'ai regardé le live et {k}", "dans le chat {k}", "ma fille m'a dit que {k}"]})
cat("safety.child_exploitation", "S1", "en",
    ["sexual images of a child", "selling pictures of kids", "child abuse material", "csam",
     "explicit photos of a minor", "trading photos of underage girls", "inappropriate pictures of children"],
    {"a": ["{s} is sharing {k}", "someone posted {k}", "{k} in dms", "there is {k} on this account"],
     "b": ["{k}!! report to police", "{k}. please act now", "{k}, i did not open it", "i saw {k} and reported it", "they sent {k}"],
     "c": ["a buyer sent me {k}", "in the group chat there was {k}", "the listing photos are {k}"]})
cat("safety.child_exploitation", "S1", "es",
    ["imágenes sexuales de un niño", "vende fotos de niños", "material de abuso infantil",
     "fotos explícitas de una menor", "intercambian fotos de niñas menores"],
    {"a": ["{s} comparte {k}", "alguien publicó {k}", "{k} por privado"],
     "b": ["{k}!! avisen a la policía", "{k}. actúen ya", "{k}, no lo abrí"],
     "c": ["un comprador me mandó {k}", "en el grupo había {k}", "las fotos del anuncio son {k}"]})
cat("safety.child_exploitation", "S1", "pt",
    ["imagens sexuais de criança", "vendendo fotos de crianças", "material de abuso infantil",
     "fotos explícitas de uma menor", "trocando fotos de meninas menores"],
    {"a": ["{s} está compartilhando {k}", "alguém postou {k}", "{k} no privado"],
     "b": ["{k}!! chamem a polícia", "{k}. ajam agora", "{k}, não abri"],
     "c": ["um comprador me mandou {k}", "no grupo tinha {k}", "as fotos do anúncio são {k}"]})
cat("safety.child_exploitation", "S1", "fr",
    ["images sexuelles d'un enfant", "vend des photos d'enfants", "contenu pédopornographique",
     "photos explicites d'une mineure", "échange des photos de filles mineures"],
    {"a": ["{s} partage {k}", "quelqu'un a publié {k}", "{k} en privé"],
     "b": ["{k}!! prévenez la police", "{k}. agissez vite", "{k}, je ne l'ai pas ouvert"],
     "c": ["un acheteur m'a envoyé {k}", "dans le groupe il y avait {k}", "les photos de l'annonce sont {k}"]})
cat("safety.prohibited_item", "S2", "en",
    ["selling a gun", "selling drugs", "selling vapes to kids", "listing ammo", "selling prescription pills",
     "selling a knife that is banned", "selling live animals", "selling weed gummies"],
    {"a": ["{s} is {k}", "this listing is {k}", "{k} on live"],
     "b": ["{k}!!", "{k}. is that allowed", "{k}, take it down"],
     "c": ["in the mystery box they are {k}", "host openly {k}", "{k} hidden in card lots"]})
cat("safety.stolen_goods", "S2", "en",
    ["selling stolen cards", "that's my stolen collection", "items stolen from my store", "stolen merchandise",
     "my stolen shoes are listed", "they robbed my shop and are selling it here"],
    {"a": ["{s} is {k}", "{k} on their stream", "{k}, police report filed"],
     "b": ["{k}!!", "{k}. i have serial numbers", "{k}, same cert numbers"],
     "c": ["recognised my {i}: {k}", "break-in last week, now {k}", "{k}, matching my insurance list"]})
cat("legal.law_enforcement_request", "S1", "en",
    ["this is detective", "officer requesting user records", "emergency disclosure request", "subpoena attached",
     "law enforcement request for account information", "police department needs the ip logs",
     "exigent circumstances request", "court order for user data"],
    {"a": ["{k} regarding an account", "{k}, case number {n}", "{k} from the sheriff's office"],
     "b": ["{k}. urgent, life at risk", "{k}: please preserve data", "{k} for user {s}"],
     "c": ["hello, {k} in an ongoing investigation", "per attached letter, {k}", "{k}, contact me at the station"]})
cat("legal.law_enforcement_request", "S1", "es",
    ["soy agente de la policía", "solicitud de datos de un usuario por orden judicial",
     "requerimiento urgente de información", "la fiscalía solicita los registros de la cuenta",
     "petición de emergencia de la policía"],
    {"a": ["{k} sobre una cuenta", "{k}, expediente {n}", "{k} de la comisaría"],
     "b": ["{k}. urgente, hay una vida en riesgo", "{k}: conserven los datos", "{k} del usuario {s}"],
     "c": ["buenos días, {k} en una investigación", "según el oficio adjunto, {k}", "{k}, contacte a la unidad"]})
cat("legal.law_enforcement_request", "S1", "pt",
    ["sou agente da polícia", "solicitação de dados de usuário por ordem judicial",
     "requisição urgente de informações", "o ministério público solicita os registros da conta",
     "pedido de emergência da polícia"],
    {"a": ["{k} sobre uma conta", "{k}, processo {n}", "{k} da delegacia"],
     "b": ["{k}. urgente, vida em risco", "{k}: preservem os dados", "{k} do usuário {s}"],
     "c": ["bom dia, {k} em uma investigação", "conforme ofício anexo, {k}", "{k}, contate a delegacia"]})
cat("legal.law_enforcement_request", "S1", "fr",
    ["je suis officier de police judiciaire", "réquisition judiciaire pour les données d'un utilisateur",
     "demande urgente d'informations", "le parquet demande les journaux du compte",
     "demande d'urgence de la gendarmerie"],
    {"a": ["{k} concernant un compte", "{k}, procédure {n}", "{k} du commissariat"],
     "b": ["{k}. urgent, une vie en danger", "{k} : conservez les données", "{k} pour l'utilisateur {s}"],
     "c": ["bonjour, {k} dans une enquête", "selon la réquisition jointe, {k}", "{k}, contactez la brigade"]})

# Non-crisis categories also get a little Spanish, so a Spanish non-crisis report is not pushed into a crisis class.
cat("order.not_received", "S3", "es",
    ["nunca llegó mi pedido", "no me ha llegado nada", "el paquete no llegó", "dónde está mi pedido"],
    {"a": ["compré {i} y {k}", "{k}, pagué {a}"], "b": ["{k}. hace {d} días", "{k}!!"], "c": ["el vendedor no responde y {k}"]})
cat("order.not_received", "S3", "pt",
    ["meu pedido nunca chegou", "não recebi nada", "o pacote não chegou", "cadê meu pedido"],
    {"a": ["comprei {i} e {k}", "{k}, paguei {a}"], "b": ["{k}. faz {d} dias", "{k}!!"], "c": ["o vendedor não responde e {k}"]})
cat("order.not_received", "S3", "fr",
    ["ma commande n'est jamais arrivée", "je n'ai rien reçu", "le colis n'est pas arrivé", "où est ma commande"],
    {"a": ["j'ai acheté {i} et {k}", "{k}, j'ai payé {a}"], "b": ["{k}. depuis {d} jours", "{k}!!"], "c": ["le vendeur ne répond pas et {k}"]})
cat("authenticity.counterfeit", "S2", "es",
    ["es falsa", "es una réplica", "no es original", "falsificación"],
    {"a": ["la {i} de {s} {k}", "creo que {k}"], "b": ["{k}!! pagué {a}", "{k}, la letra está mal"], "c": ["en la tienda me dijeron que {k}"]})
cat("authenticity.counterfeit", "S2", "pt",
    ["é falsa", "é réplica", "não é original", "falsificado"],
    {"a": ["a {i} do {s} {k}", "acho que {k}"], "b": ["{k}!! paguei {a}", "{k}, a fonte tá errada"], "c": ["na loja disseram que {k}"]})
cat("authenticity.counterfeit", "S2", "fr",
    ["c'est une contrefaçon", "c'est une réplique", "pas authentique", "un faux"],
    {"a": ["la {i} de {s} : {k}", "je pense que {k}"], "b": ["{k}!! payé {a}", "{k}, la police d'écriture est fausse"], "c": ["le magasin m'a dit {k}"]})


# Non-crisis reports in Spanish, Portuguese and French, so that the language alone does not read as a crisis.
for code, sev, data in [
    ("order.not_as_described", "S3", {
        "es": ["llegó dañada", "no es la carta del anuncio", "vino con las esquinas dobladas", "artículo equivocado"],
        "pt": ["chegou danificada", "não é a carta do anúncio", "veio com as pontas amassadas", "item errado"],
        "fr": ["arrivée abîmée", "ce n'est pas la carte de l'annonce", "coins pliés à la réception", "mauvais article"]}),
    ("payments.off_platform", "S2", {
        "es": ["me pidió pagar por fuera de la app", "quiere que le pague por transferencia directa", "dice que es más barato si pago por fuera"],
        "pt": ["pediu pra pagar por fora do app", "quer que eu pague no pix direto", "disse que é mais barato pagar por fora"],
        "fr": ["m'a demandé de payer en dehors de l'appli", "veut un virement direct", "dit que c'est moins cher de payer hors plateforme"]}),
    ("conduct.harassment", "S3", {
        "es": ["me insulta en cada directo", "no deja de mandarme mensajes feos", "se burla de mí en el chat"],
        "pt": ["me xinga em toda live", "não para de me mandar mensagens chatas", "tira sarro de mim no chat"],
        "fr": ["m'insulte à chaque live", "n'arrête pas de m'envoyer des messages méchants", "se moque de moi dans le chat"]}),
    ("conduct.spam", "S4", {
        "es": ["llena el chat de enlaces", "spam de su tienda en todos los directos"],
        "pt": ["enche o chat de links", "spam da loja dele em toda live"],
        "fr": ["remplit le chat de liens", "spam de sa boutique dans tous les lives"]}),
    ("order.late_shipment", "S3", {
        "es": ["todavía no lo ha enviado", "no hay seguimiento después de {d} días"],
        "pt": ["ainda não enviou", "sem rastreio depois de {d} dias"],
        "fr": ["toujours pas expédié", "pas de suivi après {d} jours"]}),
]:
    frames = {
        "es": {"a": ["{s}: {k}", "compré {i} y {k}"], "b": ["{k}. pagué {a}", "{k}!!"], "c": ["hola, {k}, qué hago"]},
        "pt": {"a": ["{s}: {k}", "comprei {i} e {k}"], "b": ["{k}. paguei {a}", "{k}!!"], "c": ["oi, {k}, o que faço"]},
        "fr": {"a": ["{s} : {k}", "j'ai acheté {i} et {k}"], "b": ["{k}. payé {a}", "{k}!!"], "c": ["bonjour, {k}, je fais quoi"]},
    }
    for lang, keys in data.items():
        cat(code, sev, lang, keys, frames[lang])

# --------------------------------------------------------------------------------------------------------------
# Hard negatives (collectors' hyperbole and idioms) and ordinary text: category "none".
# --------------------------------------------------------------------------------------------------------------
HARD = {
    "en": {
        "a": ["this pull is killing me", "i'd die for that card", "shoot me a dm if you want it", "i'm dead 😂 that pull",
              "these fees are killing me", "this break is murder on my wallet", "that hit was insane, i'm dying",
              "my wallet is crying after this stream", "i'd kill for a psa 10 of that"],
        "b": ["gonna kill it on stream tonight", "shoot me an offer on the {i}", "that price is criminal lol",
              "i will literally die if this ships today", "we're gonna blow up the chat tonight", "this set is a killer",
              "that charizard is to die for", "dead stock jordans for sale, shoot me a message", "lost my mind at that pull"],
        "b2": ["shoot me your best offer", "this stream is killing it", "i'm dying to know what's in the box",
               "i'd kill to pull that", "that's a steal, i'm dead", "my heart stopped when i saw the pull",
               "you're killing me with these prices lol", "ready to die on this hill, base set is the best",
               "gonna murder this box tonight", "the break was fire 🔥 i'm dead", "this grind is killing me but we move",
               "i'm done, that pull ended me 😂", "hit me up in dms for the {i}", "if this doesn't ship today i'm gonna scream",
               "these prices are a crime", "kill me now, i missed the auction", "i could cry, finally pulled the {i}",
               "over my dead body would i sell that {i}", "i want to die laughing at this chat", "my wallet wants to end it all 😂"],
        "c": ["dying to open this box", "the suspense is killing me, when does it ship", "i'd sell my soul for that {i}",
              "rip my bank account 💀", "just shoot me the tracking when you can", "chat went crazy, i'm dead",
              "slabs are killing it this month", "gonna hunt down every card in this set", "beat the market with that price"],
    },
    "es": {
        "a": ["me muero por esa carta", "esta espera me está matando", "me mata de risa el directo"],
        "b": ["me muero de ganas de abrir la caja", "qué locura ese sobre, me muero", "ese precio es un crimen jaja"],
        "b2": ["me muero de risa con este directo", "mátame, qué precio", "esto me mata, quiero esa carta",
               "envíame un mensaje privado con el precio", "mándame tu mejor oferta", "me quiero morir de la risa jaja",
               "escríbeme por privado si vendes la {i}", "casi me da algo con ese sobre"],
        "c": ["mándame un mensaje si la quieres", "mataría por una psa 10 de esa", "me voy a volver loco si no llega hoy"],
    },
    "pt": {
        "a": ["tô morrendo de vontade dessa carta", "essa espera tá me matando", "morri de rir na live"],
        "b": ["morrendo de vontade de abrir a caixa", "que loucura esse pack, morri", "esse preço é um crime kkk"],
        "b2": ["tô morto com esse preço kkk", "me manda mensagem no privado com o preço", "manda sua melhor oferta",
               "essa live tá matando", "quero morrer de rir com esse chat", "me chama no direct pra fechar a {i}",
               "quase morri quando saiu essa carta"],
        "c": ["me chama no privado se quiser", "mataria por uma psa 10 dessa", "vou enlouquecer se não chegar hoje"],
    },
    "fr": {
        "a": ["je meurs d'envie d'avoir cette carte", "cette attente me tue", "mort de rire pendant le live"],
        "b": ["je meurs d'impatience d'ouvrir la boîte", "ce booster de fou, je suis mort", "ce prix est criminel mdr"],
        "b2": ["tu me tues avec ces prix", "envoie-moi ta meilleure offre", "je suis mort de rire avec ce break",
               "écris-moi en privé pour le prix", "j'ai failli mourir en voyant la carte", "contacte-moi en mp pour la {i}"],
        "c": ["envoie moi un message si tu la veux", "je tuerais pour une psa 10 de celle-là", "je vais devenir fou si ça n'arrive pas"],
    },
}
ORDINARY = {
    "en": {
        "a": ["how do i change my shipping address", "can i combine shipping on two orders", "when is the next stream",
              "how do i become a seller", "is the {i} still available", "thanks, great stream today"],
        "b": ["what are the seller fees", "can i pay with apple pay", "do you ship to canada",
              "how long does payout take", "love the packaging, will buy again", "can i cancel my bid before it ends"],
        "c": ["where do i update my payout details", "is there a way to save searches", "what time does {s} go live",
              "how do i print a shipping label", "got the {i}, looks perfect, thanks", "can i change my username"],
    },
    "es": {"a": ["cómo cambio mi dirección de envío", "gracias, buen directo", "puedo combinar el envío de dos pedidos",
                 "cómo me hago vendedor", "quiero comprar la {i}, sigue disponible", "si quieres te hago precio por las dos",
                 "quiero saber cuándo es el próximo directo", "si la quieres te la guardo hasta el viernes"], "b": ["cuánto tarda el pago", "aceptan tarjeta de crédito", "me llegó la {i}, perfecta, gracias"],
           "c": ["a qué hora es el próximo directo"]},
    "pt": {"a": ["como mudo meu endereço de entrega", "valeu, ótima live", "posso juntar o frete de dois pedidos",
                 "como viro vendedor", "quero comprar a {i}, ainda tem", "se quiser faço preço nas duas",
                 "quero saber quando é a próxima live", "se você quiser eu guardo até sexta"], "b": ["quanto tempo demora o repasse", "aceita cartão de crédito", "chegou a {i}, perfeita, obrigado"],
           "c": ["que horas é a próxima live"]},
    "fr": {"a": ["comment changer mon adresse de livraison", "merci, super live", "je peux regrouper la livraison de deux commandes",
                 "comment devenir vendeur", "je veux acheter la {i}, elle est dispo", "si tu veux je te fais un prix pour les deux",
                 "je veux savoir quand est le prochain live", "si tu la veux je te la garde jusqu'à vendredi"], "b": ["combien de temps pour le virement", "vous acceptez la carte bancaire", "j'ai reçu la {i}, parfaite, merci"],
           "c": ["à quelle heure est le prochain live"]},
}

# --------------------------------------------------------------------------------------------------------------
# Registers: how users write.
# --------------------------------------------------------------------------------------------------------------
PREFIX = {"en": ["", "", "hi, ", "hello support, ", "urgent: ", "ok so ", "yo ", "pls read: "],
          "es": ["", "", "hola, ", "buenas, ", "urgente: "],
          "pt": ["", "", "oi, ", "olá, ", "urgente: "],
          "fr": ["", "", "bonjour, ", "salut, ", "urgent : "]}
PLEAD = {"en": [" please help me", " i'm begging you", " please do something", " pls i need help"],
         "es": [" por favor ayúdenme", " se los ruego", " ayuda por favor"],
         "pt": [" por favor me ajudem", " imploro", " ajuda por favor"],
         "fr": [" aidez-moi svp", " je vous en supplie", " s'il vous plaît"]}
ANGRY = {"en": [" wtf", " this is ridiculous", " fix this now", " worst app ever"],
         "es": [" qué vergüenza", " arreglen esto ya"],
         "pt": [" que absurdo", " resolvam isso já"],
         "fr": [" c'est inadmissible", " réglez ça maintenant"]}
SLANG = {"en": [" ngl", " fr", " lowkey", " smh", " no cap", " tbh", " fam", " on god"],
         "es": [" neta", " wey", " jaja"], "pt": [" mano", " kkkk", " slk"], "fr": [" frère", " mdr", " wesh"]}
EMOJI = [" 😭", " 😡", " 🙏", " 💀", " 😢", " 🔥", " 😤", " 🤬", " 😞"]
REGISTERS = ["plain", "angry", "pleading", "terse", "lower", "typos", "emoji", "slang"]


def typo(rng, text):
    chars = list(text)
    for _ in range(max(1, len(chars) // 25)):
        if len(chars) < 4:
            break
        i = rng.randrange(1, len(chars) - 1)
        op = rng.randrange(3)
        if not chars[i].isalpha():
            continue
        if op == 0:
            del chars[i]
        elif op == 1:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars.insert(i, chars[i])
    return "".join(chars)


def register(rng, text, reg, lang, key=""):
    if reg == "terse" and key:
        text = key
    if reg == "angry":
        text = text.upper() + rng.choice(ANGRY[lang]).upper() + "!!!"
    elif reg == "pleading":
        text = text + "." + rng.choice(PLEAD[lang])
    elif reg == "terse" and not key:
        text = text.split(",")[0]
    elif reg == "lower":
        text = "".join(c for c in text.lower() if c.isalnum() or c.isspace())
    elif reg == "typos":
        text = typo(rng, text)
    elif reg == "emoji":
        text = text + rng.choice(EMOJI) + rng.choice(["", rng.choice(EMOJI)])
    elif reg == "slang":
        text = text + rng.choice(SLANG[lang])
    if reg not in ("terse", "angry") and rng.random() < 0.5:
        text = rng.choice(PREFIX[lang]) + text
    if reg == "plain" and text[:1].isalpha() and rng.random() < 0.5:
        text = text[0].upper() + text[1:]
    return text


def fill(rng, template, key):
    out = template.replace("{k}", key)
    return (out.replace("{i}", rng.choice(ITEMS)).replace("{s}", rng.choice(SELLERS)).replace("{d}", rng.choice(DAYS))
            .replace("{a}", rng.choice(AMOUNTS)).replace("{n}", str(rng.randrange(10000, 99999))))


def rows_for(rng, code, sev, lang, family, templates, keys, count, split):
    seen = set()
    rows = []
    attempts = 0
    while len(rows) < count and attempts < count * 20:
        attempts += 1
        key = fill(rng, rng.choice(keys), "") if keys else ""
        text = fill(rng, rng.choice(templates), key) if keys else fill(rng, rng.choice(templates), "")
        reg = rng.choice(REGISTERS)
        text = " ".join(register(rng, text, reg, lang, key).split())
        if not text or text in seen:
            continue
        seen.add(text)
        rows.append((text, code, sev, lang, f"{code}/{lang}/{family}", reg, split))
    return rows

# --------------------------------------------------------------------------------------------------------------
# Second round (written after the first model made crises of ordinary text): non-crisis reports in Spanish,
# Portuguese and French for fifteen more categories, and ordinary account questions in all four languages. In the
# first round most non-English rows were crises, so the model learnt the language itself, and words such as "el
# vendedor", "je vais", "minha conta" or "my payout" as crisis words; here they come in ordinary reports and
# questions too. Drawn with a random generator of their own, so the first round's rows stay exactly as they were; the
# last family of each (category, language) is held out as before.
# --------------------------------------------------------------------------------------------------------------
MORE = {
    # English parcels whose tracking stands still: a late or lost parcel, not fake tracking (the first round taught "tracking" as a scam word).
    "order.not_received": ("S3", {
        "en": ["tracking hasnt moved in a week", "the parcel is stuck in transit", "tracking still says label created", "my package is lost in the mail"]}),
    "order.late_shipment": ("S3", {
        "en": ["no tracking update since monday", "seller printed the label but never dropped it off", "tracking shows pre-shipment for days"]}),
    "order.delivered_not_received": ("S3", {
        "es": ["dice entregado pero no me llegó", "el seguimiento marca entregado y no hay nada", "lo entregaron en otra dirección"],
        "pt": ["diz entregue mas não recebi", "o rastreio diz entregue e não tem nada", "entregaram em outro endereço"],
        "fr": ["indiqué livré mais je n'ai rien reçu", "le suivi dit livré et il n'y a rien", "livré à une autre adresse"]}),
    "order.missing_hit": ("S2", {
        "es": ["no me mandaron el hit del break", "la carta que saqué en directo no vino", "se quedaron con mi hit"],
        "pt": ["não mandaram o hit do break", "a carta que saiu na live não veio", "ficaram com meu hit"],
        "fr": ["ils n'ont pas envoyé mon hit du break", "la carte tirée en live n'était pas dans le colis", "ils ont gardé mon hit"]}),
    "authenticity.resealed_packs": ("S2", {
        "es": ["los sobres estaban resellados", "la caja venía re-sellada", "alguien buscó los sobres antes"],
        "pt": ["os pacotes estavam relacrados", "a caixa veio relacrada", "alguém pesquisou os pacotes antes"],
        "fr": ["les boosters étaient rescellés", "la boîte a été refermée", "quelqu'un a fouillé les boosters"]}),
    "auction.shill_bidding": ("S2", {
        "es": ["el vendedor puja en sus propias subastas", "pujas falsas para subir el precio", "una cuenta amiga sube las pujas"],
        "pt": ["o vendedor dá lance nos próprios leilões", "lances falsos pra subir o preço", "uma conta amiga sobe os lances"],
        "fr": ["le vendeur enchérit sur ses propres ventes", "fausses enchères pour faire monter le prix", "un compte ami fait monter les enchères"]}),
    "auction.break_manipulation": ("S2", {
        "es": ["el break estaba arreglado", "el sorteo de equipos era falso", "cambiaron las cartas fuera de cámara"],
        "pt": ["o break foi armado", "o sorteio dos times era falso", "trocaram as cartas fora da câmera"],
        "fr": ["le break était truqué", "le tirage des équipes était faux", "ils ont échangé les cartes hors caméra"]}),
    "auction.non_paying_bidder": ("S3", {
        "es": ["ganó la subasta y no pagó", "el comprador no paga", "el ganador desapareció sin pagar"],
        "pt": ["ganhou o leilão e não pagou", "o comprador não paga", "o ganhador sumiu sem pagar"],
        "fr": ["il a gagné l'enchère et n'a pas payé", "l'acheteur ne paie pas", "le gagnant a disparu sans payer"]}),
    "auction.giveaway_rigging": ("S3", {
        "es": ["el sorteo estaba amañado", "siempre gana el mismo amigo del vendedor"],
        "pt": ["o sorteio foi armado", "sempre ganha o mesmo amigo do vendedor"],
        "fr": ["le concours était truqué", "c'est toujours le même ami du vendeur qui gagne"]}),
    "payments.phishing_impersonation": ("S2", {
        "es": ["se hace pasar por soporte", "me mandó un enlace falso para iniciar sesión", "me pidió el código por mensaje"],
        "pt": ["se passa pelo suporte", "me mandou um link falso de login", "pediu meu código por mensagem"],
        "fr": ["se fait passer pour le support", "m'a envoyé un faux lien de connexion", "m'a demandé mon code par message"]}),
    "payments.fake_prize_fee": ("S2", {
        "es": ["dice que gané pero tengo que pagar una tarifa", "me piden pagar el envío del premio"],
        "pt": ["diz que ganhei mas tenho que pagar uma taxa", "pedem pra pagar o frete do prêmio"],
        "fr": ["dit que j'ai gagné mais je dois payer des frais", "on me demande de payer l'envoi du lot"]}),
    "payments.refund_abuse": ("S3", {
        "es": ["pidió reembolso y se quedó con la carta", "devolvió una caja vacía"],
        "pt": ["pediu reembolso e ficou com a carta", "devolveu uma caixa vazia"],
        "fr": ["a demandé un remboursement et gardé la carte", "a renvoyé une boîte vide"]}),
    "payments.chargeback_abuse": ("S3", {
        "es": ["abrió un contracargo después de recibirlo", "disputó el cobro con su banco"],
        "pt": ["abriu um chargeback depois de receber", "contestou a cobrança no banco"],
        "fr": ["a fait une rétrofacturation après réception", "a contesté le paiement auprès de sa banque"]}),
    "conduct.hate": ("S2", {
        "es": ["comentarios racistas en el chat", "insultos por mi religión"],
        "pt": ["comentários racistas no chat", "xingamentos por causa da minha religião"],
        "fr": ["des commentaires racistes dans le chat", "des insultes sur ma religion"]}),
    "conduct.sexual": ("S2", {
        "es": ["me mandó fotos íntimas sin pedirlas", "mensajes sexuales por privado"],
        "pt": ["me mandou fotos íntimas sem eu pedir", "mensagens sexuais no privado"],
        "fr": ["m'a envoyé des photos intimes sans que je demande", "des messages sexuels en privé"]}),
    "conduct.doxxing": ("S2", {
        "es": ["publicó mi dirección en el chat", "compartió mi número de teléfono"],
        "pt": ["postou meu endereço no chat", "compartilhou meu número de telefone"],
        "fr": ["a publié mon adresse dans le chat", "a partagé mon numéro de téléphone"]}),
    "safety.prohibited_item": ("S2", {
        "es": ["vende armas en el directo", "vende medicamentos con receta"],
        "pt": ["vende armas na live", "vende remédio controlado"],
        "fr": ["vend des armes en live", "vend des médicaments sur ordonnance"]}),
}
MORE_FRAMES = {
    "en": {"x": ["where is my parcel? {k}", "{s}: {k}", "my {i} order: {k}", "hi, {k}"],
           "y": ["{k}. paid {a}", "{k}, any update?", "still waiting, {k}", "{k} and i need it by friday"],
           "z": ["hello, {k}, can you check", "{k} and the seller is silent", "order for the {i}, {k}"]},
    "es": {"a": ["el vendedor {k}", "{s}: {k}", "voy a pedir mi dinero, {k}", "mi pedido de {i}: {k}", "en mi cuenta veo que {k}"],
           "b": ["{k}. pagué {a} y nada", "{k}, no es justo", "{k}!! ya van {d} días", "en el directo {k}", "me voy a quejar, {k}", "quiero mi reembolso, {k}", "nadie me responde y {k}"],
           "c": ["hola, les escribo porque {k}", "quiero reportar que {k}", "{k}, qué hago ahora", "no sé qué hacer, {k}"]},
    "pt": {"a": ["o vendedor {k}", "{s}: {k}", "vou pedir meu dinheiro, {k}", "meu pedido de {i}: {k}", "na minha conta aparece que {k}"],
           "b": ["{k}. paguei {a} e nada", "{k}, não é justo", "{k}!! já são {d} dias", "na live {k}", "vou reclamar, {k}", "quero meu reembolso, {k}", "ninguém me responde e {k}"],
           "c": ["oi, estou escrevendo porque {k}", "quero denunciar que {k}", "{k}, o que eu faço agora", "não sei o que fazer, {k}"]},
    "fr": {"a": ["le vendeur {k}", "{s} : {k}", "je vais demander un remboursement, {k}", "ma commande de {i} : {k}", "sur mon compte je vois que {k}"],
           "b": ["{k}. j'ai payé {a} et rien", "{k}, c'est pas juste", "{k}!! ça fait {d} jours", "pendant le live {k}", "je vais me plaindre, {k}", "je veux être remboursé, {k}", "personne ne me répond et {k}"],
           "c": ["bonjour, je vous écris parce que {k}", "je veux signaler que {k}", "{k}, je fais quoi maintenant", "je ne sais pas quoi faire, {k}"]},
}
# Ordinary account questions, close to a crisis category in their words (passwords, codes, payout banks, children on
# the app, "someone is", "going to", money) and nothing like one in what they ask.
ACCOUNT = {
    "en": {"d": ["the reset link you sent me expired, send another please", "how do i add a second bank for my payouts",
                 "my nephew is 15, is he allowed to bid with my permission", "i'm going to be away next week, will my listings stay up",
                 "someone is asking about the {i}, can i hold it for them", "the money from my last sale is not in my bank yet",
                 "i cant log in on my new phone, the code never arrives", "nobody has bid on my {i} yet, should i lower the price", "i want to know when my order ships",
                 "can i speak to a person about my payout", "my kids use the tablet too, can i lock purchases", "my wife and i share one account, is that ok"],
           "e": ["my daughter collects cards too, can she have her own account at 16", "where do i see my payout history",
                 "i'm going to ship everything on monday", "nobody told me the fees went up", "is my money safe if the seller never ships",
                 "i changed my email, do i need to verify it again", "how do i log out of all devices", "i cant find the {i} in my purchases", "i want to return the {i}, how do i start",
                 "i want to change my username", "my password doesnt work on the website", "i dont get the confirmation emails", "my teenage son helps me pack orders, can he message buyers"],
           "f": ["my son wants to sell his old cards, how do we set that up", "can i switch my payouts to another bank before friday",
                 "the two factor code goes to my old number", "i'm going to order two boxes if shipping is combined",
                 "someone is selling the same card cheaper, can you match", "where does the money go if i cancel"]},
    "es": {"d": ["el enlace para cambiar la clave caducó, me mandan otro", "cómo agrego otro banco para los pagos",
                 "mi sobrino tiene 15, puede pujar con mi permiso", "voy a estar de viaje, mis anuncios siguen activos",
                 "el dinero de mi última venta no ha llegado a mi banco", "no puedo entrar desde mi móvil nuevo, no llega el código",
                 "cómo cambio la contraseña", "mi hijo me ayuda a empaquetar, puede escribir a los compradores", "compartimos la cuenta mi esposa y yo"],
           "e": ["dónde veo el historial de pagos", "voy a enviar todo el lunes", "nadie me dijo que subieron las comisiones",
                 "cambié mi correo, tengo que verificarlo otra vez", "cómo cierro sesión en todos los dispositivos", "el vendedor me respondió, todo bien",
                 "quiero devolver la {i}", "quiero cambiar mi nombre de usuario", "mi contraseña no funciona en la web",
                 "no me llegan los correos de confirmación"],
           "f": ["mi hija quiere vender sus cartas viejas, cómo lo hacemos", "puedo pasar mis pagos a otro banco antes del viernes",
                 "el código de verificación llega a mi número viejo", "voy a pedir dos cajas si el envío es combinado"]},
    "pt": {"d": ["o link pra trocar a senha expirou, mandem outro", "como adiciono outro banco para os repasses",
                 "meu sobrinho tem 15, pode dar lance com minha permissão", "vou viajar, meus anúncios continuam ativos",
                 "o dinheiro da minha última venda não caiu no banco", "não consigo entrar pelo celular novo, o código não chega",
                 "como troco a senha", "meu filho me ajuda a embalar, ele pode falar com os compradores", "eu e minha esposa usamos a mesma conta"],
           "e": ["onde vejo o histórico de repasses", "vou enviar tudo na segunda", "ninguém me avisou que a taxa subiu",
                 "mudei meu email, preciso verificar de novo", "como saio da conta em todos os aparelhos", "o vendedor me respondeu, tudo certo",
                 "quero devolver a {i}", "quero mudar meu nome de usuário", "minha senha não funciona no site",
                 "não chegam os emails de confirmação"],
           "f": ["minha filha quer vender as cartas antigas dela, como fazemos", "posso passar meus repasses para outro banco antes de sexta",
                 "o código de verificação vai para meu número antigo", "vou pedir duas caixas se o frete for junto"]},
    "fr": {"d": ["le lien pour changer le mot de passe a expiré, renvoyez-en un", "comment ajouter une autre banque pour les virements",
                 "mon neveu a 15 ans, il peut enchérir avec ma permission", "je vais partir en vacances, mes annonces restent en ligne",
                 "l'argent de ma dernière vente n'est pas arrivé sur mon compte", "je n'arrive pas à me connecter sur mon nouveau téléphone, le code n'arrive pas",
                 "comment changer le mot de passe", "mon fils m'aide à emballer, il peut écrire aux acheteurs", "ma femme et moi partageons le compte"],
           "e": ["où voir l'historique des virements", "je vais tout expédier lundi", "personne ne m'a dit que les frais avaient augmenté",
                 "j'ai changé mon email, je dois le vérifier encore", "comment me déconnecter de tous les appareils", "le vendeur m'a répondu, tout va bien",
                 "je veux retourner la {i}", "je veux changer mon pseudo", "mon mot de passe ne marche pas sur le site",
                 "je ne reçois pas les emails de confirmation"],
           "f": ["ma fille veut vendre ses vieilles cartes, comment on fait", "je peux passer mes virements sur une autre banque avant vendredi",
                 "le code de vérification arrive sur mon ancien numéro", "je vais commander deux boîtes si la livraison est groupée"]},
}


def more_rows():
    rng = random.Random(SEED + 2)
    train, test = [], []
    for code in sorted(MORE):
        sev, by_lang = MORE[code]
        for lang in sorted(by_lang):
            frames = MORE_FRAMES[lang]
            families = sorted(frames)
            for f in families:
                split = "test" if f == families[-1] else "train"
                rows = rows_for(rng, code, sev, lang, f, frames[f], by_lang[lang], 18 if split == "train" else 12, split)
                (test if split == "test" else train).extend(rows)
    for lang in sorted(ACCOUNT):
        families = sorted(ACCOUNT[lang])
        for f in families:
            split = "test" if f == families[-1] else "train"
            n = 30 if lang == "en" else 22
            rows = rows_for(rng, "none", "-", lang, f"ordinary-{f}", ACCOUNT[lang][f], None, n, split)
            rows = [(t, c, s, l, fam.replace("none/", "none-ordinary/"), r, sp) for (t, c, s, l, fam, r, sp) in rows]
            (test if split == "test" else train).extend(rows)
    return train, test


def main():
    rng = random.Random(SEED)
    train, test = [], []
    for code in sorted(C):
        entry = C[code]
        for lang in sorted(entry["langs"]):
            data = entry["langs"][lang]
            families = sorted(data["families"])
            per = 38 if lang == "en" else 30
            if code not in S1 and lang != "en":
                per = 18
            for f in families:
                split = "test" if f == families[-1] else "train"
                n = per if split == "train" else max(10, per * 2 // 3)
                rows = rows_for(rng, code, entry["sev"], lang, f, data["families"][f], data["keys"], n, split)
                (test if split == "test" else train).extend(rows)
    for kind, table, per in (("hardneg", HARD, 60), ("ordinary", ORDINARY, 40)):
        for lang in sorted(table):
            families = sorted(table[lang])
            for f in families:
                split = "test" if f == families[-1] else "train"
                n = per if lang == "en" else per * 3 // 4
                rows = rows_for(rng, "none", "-", lang, f"{kind}-{f}", table[lang][f], None, n, split)
                rows = [(t, c, s, l, fam.replace("none/", f"none-{kind}/"), r, sp) for (t, c, s, l, fam, r, sp) in rows]
                (test if split == "test" else train).extend(rows)
    more_train, more_test = more_rows()
    train.extend(more_train)
    test.extend(more_test)
    header = "text\tcategory\tseverity\tlanguage\tfamily\tregister\tsplit\n"
    for name, rows in (("train.tsv", train), ("test.tsv", test)):
        with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as out:
            out.write(header)
            for row in rows:
                out.write("\t".join(x.replace("\t", " ") for x in row) + "\n")
    write_ham(random.Random(SEED + 1))
    print(f"train {len(train)}, test {len(test)}")


# --------------------------------------------------------------------------------------------------------------
# Ham: ordinary support mail with the parts that are not the user's own words (quoted history, signatures,
# disclaimers, addresses, order and tracking numbers), none of which should make a rule fire, nor the model file
# anything urgent. Some bodies sit close to a crisis category on purpose (a password reset, a login alert the sender
# caused, a payout account changed after a wedding): ordinary mail an account-takeover detector must leave alone.
# Each body is a family; every third body (by its place in its language's list) is held out (split "test"), so the
# held-out ham is mail whose wording the model never saw. Rows: 120 per language family of bodies, en twice that.
# --------------------------------------------------------------------------------------------------------------
HAM_BODIES = {
    "en": [
        "Hi, I ordered the {i} last week and wanted to check when it will ship. Order {order}.",
        "Hello, could you update the shipping address on order {order}? I moved last month.",
        "Thanks for the quick reply. The tracking number {tracking} shows it is on the way.",
        "Good morning, I'd like to cancel my bid on the {i}; I placed it by mistake.",
        "Hi team, my payout for order {order} has not arrived yet. Could you check?",
        "Hello, I received the {i} today and it looks great. Just confirming order {order} is complete.",
        "Can I get an invoice for order {order}? I need it for my records.",
        "Hi, is it possible to combine shipping for orders {order} and {order2}?",
        "Quick question about seller fees for graded cards. Do they change over {amount}?",
        "Hello, I would like to return the {i} within the return window. Tracking for the return is {tracking}.",
        "Hi, which carrier do you use for international orders? My order number is {order}.",
        "I can't find the download link for my sales report for last month.",
        "Please add my second email to the account so my partner can check orders.",
        "Hi, the stream schedule page is not loading on my phone.",
        "Could you confirm my gift card balance was applied to order {order}?",
        "Hello! Just letting you know the package {tracking} arrived safely. Thanks!",
        "Hi, I'm a new seller. How do I set up my first live auction?",
        "I need to change the name on my payout account after getting married.",
        "My reference number is {ref}. I called yesterday about a refund for order {order}.",
        "Hello, what is the maximum size for listing photos?",
        "I forgot my password and the reset email is not arriving. Can you resend it?",
        "How do I turn on two-factor authentication for my seller account?",
        "I got a login alert this morning, but that was me on my new laptop. Nothing to worry about, just letting you know.",
        "Can I change the bank account my payouts go to? I switched banks.",
        "Is there a holiday shipping cut-off this year? I want the {i} to arrive before the 24th.",
        "My tax form for last year shows the wrong address. How do I get a corrected one?",
        "The app logs me out every time I open the camera for a stream. I'm on Android 14.",
        "Do you offer insurance on parcels over {amount}? Asking before I ship the {i}.",
        "I'd like to close my buyer account; I have no open orders.",
        "Could you tell me when the next payout run is? The dashboard says pending since Monday.",
        "I love the new bidding timer, but the sound is very loud on iPad. Is there a setting?",
        "We are a small shop and want to run weekly breaks. Is there a limit on spots per break?",
        "Hello, my order {order} arrived with a small dent on the box, but the {i} inside is fine. Just for your records.",
        "Please cancel my subscription to the newsletter, thank you.",
        "I bought two spots in a break and only one shows in my purchases. Order {order}.",
        "Can my son use my account to watch streams? He is 17. I will do the buying.",
        "What happens to my listings while I'm on vacation for two weeks?",
        "I sent the wrong tracking number for order {order}; the right one is {tracking}.",
        "My card was declined twice at checkout although it works everywhere else.",
        "Hi, can I schedule a stream in advance so followers get a reminder?",
    ],
    "es": [
        "Hola, compré la {i} la semana pasada y quería saber cuándo la envían. Pedido {order}.",
        "Buenas, ¿pueden cambiar la dirección de envío del pedido {order}? Me mudé.",
        "Gracias por la respuesta. El número de seguimiento {tracking} ya se mueve.",
        "Hola, no me ha llegado el pago del pedido {order}. ¿Lo pueden revisar?",
        "¿Me pueden enviar la factura del pedido {order}? La necesito para mi contabilidad.",
        "Olvidé mi contraseña y no me llega el correo para restablecerla.",
        "¿Cómo activo la verificación en dos pasos en mi cuenta de vendedor?",
        "Quiero cambiar la cuenta bancaria donde recibo los pagos, cambié de banco.",
        "Hola, ¿hacen envíos a México? Quiero comprar la {i}.",
        "La página de directos no carga en mi móvil desde ayer.",
        "Recibí la {i} hoy y está perfecta, muchas gracias.",
        "¿Cuánto cobran de comisión por cartas graduadas de más de {amount}?",
    ],
    "pt": [
        "Olá, comprei a {i} semana passada e queria saber quando vai ser enviada. Pedido {order}.",
        "Oi, podem mudar o endereço de entrega do pedido {order}? Eu me mudei.",
        "Obrigado pela resposta. O código de rastreio {tracking} já está andando.",
        "Oi, o repasse do pedido {order} ainda não caiu. Podem verificar?",
        "Podem me mandar a nota fiscal do pedido {order}?",
        "Esqueci minha senha e o email de redefinição não chega.",
        "Como ativo a verificação em duas etapas na minha conta de vendedor?",
        "Quero trocar a conta bancária dos repasses, mudei de banco.",
        "Vocês enviam para Portugal? Quero comprar a {i}.",
        "A página das lives não abre no meu celular desde ontem.",
        "Recebi a {i} hoje, chegou perfeita, obrigado.",
        "Qual é a taxa para cartas graduadas acima de {amount}?",
    ],
    "fr": [
        "Bonjour, j'ai commandé la {i} la semaine dernière et je voulais savoir quand elle part. Commande {order}.",
        "Bonjour, pouvez-vous changer l'adresse de livraison de la commande {order} ? J'ai déménagé.",
        "Merci pour la réponse. Le numéro de suivi {tracking} avance bien.",
        "Bonjour, je n'ai pas reçu le virement pour la commande {order}. Pouvez-vous vérifier ?",
        "Pouvez-vous m'envoyer la facture de la commande {order} ?",
        "J'ai oublié mon mot de passe et l'email de réinitialisation n'arrive pas.",
        "Comment activer la double authentification sur mon compte vendeur ?",
        "Je voudrais changer le compte bancaire de mes virements, j'ai changé de banque.",
        "Livrez-vous en Belgique ? Je voudrais acheter la {i}.",
        "La page des lives ne charge pas sur mon téléphone depuis hier.",
        "J'ai reçu la {i} aujourd'hui, elle est parfaite, merci.",
        "Quels sont les frais pour les cartes gradées au-dessus de {amount} ?",
    ],
}
HAM_SIGNATURES = {
    "en": [
        "\n\nThanks,\n{name}\n{email}\n{phone}",
        "\n\n--\n{name}\nCustomer since 2019\n{email}",
        "\n\nBest regards,\n{name}\n{company}\nTel: {phone}\n{email}",
        "\n\nSent from my iPhone",
        "\n\nCheers,\n{name}",
        "\n\nKind regards,\n{name} | {company}\nMobile {phone} | {email}\nwww.{domain}",
        "",
    ],
    "es": ["\n\nSaludos,\n{name}\n{email}\n{phone}", "\n\nGracias,\n{name}", "\n\nEnviado desde mi iPhone",
           "\n\nUn saludo,\n{name} | {company}\n{phone}", ""],
    "pt": ["\n\nObrigado,\n{name}\n{email}\n{phone}", "\n\nAbraços,\n{name}", "\n\nEnviado do meu iPhone",
           "\n\nAtenciosamente,\n{name} | {company}\n{phone}", ""],
    "fr": ["\n\nCordialement,\n{name}\n{email}\n{phone}", "\n\nMerci,\n{name}", "\n\nEnvoyé de mon iPhone",
           "\n\nBien à vous,\n{name} | {company}\n{phone}", ""],
}
HAM_QUOTES = {
    "en": [
        "\n\nOn Mon, Dec 1, 2025 at 9:14 AM TrustDesk Support <support@demo.trustdesk.test> wrote:\n> Hi {first},\n> Please pay the invoice through the app; never send money by cash app or gift card.\n> If anyone asks you to pay outside the app, report them.\n",
        "\n\n-----Original Message-----\nFrom: support@demo.trustdesk.test\nSent: Tuesday\nSubject: Your order {order}\n\nWe never ask for your password. Click the link in the app only.\n",
        "\n\n> Your payment failed, please verify your account in the app.\n> Thanks, Support\n",
        "", "",
    ],
    "es": ["\n\nEl lun, 1 dic 2025 a las 9:14, Soporte TrustDesk <support@demo.trustdesk.test> escribió:\n> Hola {first},\n> Nunca pagues fuera de la app. Si alguien te pide la contraseña, denúncialo.\n", "", ""],
    "pt": ["\n\nEm seg., 1 de dez. de 2025 às 09:14, Suporte TrustDesk <support@demo.trustdesk.test> escreveu:\n> Oi {first},\n> Nunca pague por fora do app. Se alguém pedir sua senha, denuncie.\n", "", ""],
    "fr": ["\n\nLe lun. 1 déc. 2025 à 09:14, Support TrustDesk <support@demo.trustdesk.test> a écrit :\n> Bonjour {first},\n> Ne payez jamais en dehors de l'appli. Si quelqu'un vous demande votre mot de passe, signalez-le.\n", "", ""],
}
HAM_DISCLAIMERS = {
    "en": [
        "\n\nCONFIDENTIALITY NOTICE: This email and any attachments are confidential and intended only for the addressee. If you received it in error, please delete it. Wire transfer instructions are never changed by email.",
        "\n\nThis message may contain privileged information. If you are not the intended recipient, you must not copy, distribute or act on it.",
        "", "", "",
    ],
    "es": ["\n\nEste mensaje y sus anexos son confidenciales. Si lo recibió por error, bórrelo.", "", ""],
    "pt": ["\n\nEsta mensagem e seus anexos são confidenciais. Se recebeu por engano, apague-a.", "", ""],
    "fr": ["\n\nCe message et toutes les pièces jointes sont confidentiels. Si vous l'avez reçu par erreur, supprimez-le.", "", ""],
}
FIRST = ["Jane", "Carlos", "Amir", "Li", "Sophie", "Marcus", "Priya", "Tom", "Ana", "Kenji"]
LAST = ["Doe", "Silva", "Haddad", "Wei", "Martin", "Brown", "Patel", "Nguyen", "Costa", "Sato"]
COMPANIES = ["Doe Collectibles LLC", "CardCorner Ltd", "Silva Sneakers", "Vintage Vault Inc"]


def write_ham(rng):
    rows = []
    for lang in ("en", "es", "pt", "fr"):
        bodies = HAM_BODIES[lang]
        for n in range(240 if lang == "en" else 72):
            b = n % len(bodies)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            domain = rng.choice(["gmail.com", "outlook.com", "yahoo.com", "icloud.com", f"{last.lower()}cards.com"])
            email = f"{first.lower()}.{last.lower()}@{domain}"
            order = rng.choice([f"ORD-{rng.randrange(10000000, 99999999)}", f"#{rng.randrange(100000, 999999)}",
                                f"TD{rng.randrange(1000, 9999)}1488{rng.randrange(10, 99)}", f"A-1488-{rng.randrange(1000, 9999)}"])
            tracking = rng.choice([f"1Z{rng.randrange(10**15, 10**16)}", f"9400{rng.randrange(10**17, 10**18)}",
                                   f"LX{rng.randrange(10**8, 10**9)}CN", f"{rng.randrange(10**11, 10**12)}"])
            phone = rng.choice([f"+1 (555) {rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}", f"555-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}",
                                f"+44 7700 {rng.randrange(100000, 999999)}"])
            values = {"{i}": rng.choice(ITEMS), "{order}": order, "{order2}": f"ORD-{rng.randrange(10000000, 99999999)}",
                      "{tracking}": tracking, "{amount}": rng.choice(AMOUNTS), "{ref}": f"REF{rng.randrange(10**6, 10**7)}88",
                      "{name}": f"{first} {last}", "{first}": first, "{email}": email, "{phone}": phone,
                      "{company}": rng.choice(COMPANIES), "{domain}": f"{last.lower()}cards.com"}
            text = (bodies[b] + rng.choice(HAM_SIGNATURES[lang]) + rng.choice(HAM_DISCLAIMERS[lang])
                    + rng.choice(HAM_QUOTES[lang]))
            for key, value in values.items():
                text = text.replace(key, value)
            rows.append((text, lang, f"ham/{lang}/{b:02d}", "test" if b % 3 == 2 else "train"))
    with open(os.path.join(HERE, "ham.tsv"), "w", encoding="utf-8", newline="\n") as out:
        out.write("text\tlanguage\tfamily\tsplit\n")
        for text, lang, family, split in rows:
            escaped = text.replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n")
            out.write(f"{escaped}\t{lang}\t{family}\t{split}\n")


if __name__ == "__main__":
    main()
