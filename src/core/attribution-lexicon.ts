// The words by which coverage attributes a quotation to a post ("tweeted",
// "wrote on X", "the tweet read") or to speech ("told reporters", "said at a
// briefing", "in a statement"), per language, as data. Speech streamed or
// broadcast on the platform is still speech: a speaking cue may name the
// platform, and a posting cue inside it does not count. Patterns are matched on
// folded text: lower case, accents removed, every run of non-letters and
// non-digits one space (the form `normalizeText` gives), padded with spaces.
// Pure.

export const ATTRIBUTION_LANGUAGES = ['en', 'fr', 'es', 'de', 'pt', 'it', 'nl'] as const;
export type AttributionLanguage = (typeof ATTRIBUTION_LANGUAGES)[number];

export interface AttributionLexicon {
  /** Attribution to a post: the quotation was published on the platform. */
  posting: string[];
  /** Attribution to speech or to a statement that is not a post. */
  speaking: string[];
  /** Words that stand for a person or body named in an earlier sentence. */
  pronouns: string[];
  /**
   * Titles that come before a person's name ("Senator Paul Hardy", "la
   * sindaca Laura Rossi"): a titled name that is no watched account's holder
   * is someone else, and a quotation the sentence gives them is theirs.
   */
  titles: string[];
}

// The platform, as coverage names it.
const ON_X = String.raw`(?:x|twitter|x anciennement twitter|x formerly twitter|x ex twitter|reseaux sociaux|redes sociales|redes sociais|sociale media|sozialen medien|social media|instagram|threads|bluesky)`;

export const ATTRIBUTION_LEXICON: Record<AttributionLanguage, AttributionLexicon> = {
  en: {
    posting: [
      String.raw`(?:re)?tweet(?:s|ed|ing)?`,
      String.raw`posted`,
      String.raw`posts? on ${ON_X}`,
      String.raw`posting on ${ON_X}`,
      String.raw`wr(?:ote|ites|iting) (?:\w+ ){0,3}on ${ON_X}`,
      String.raw`(?:said|says|wrote|writes|added|declared|announced) (?:in|on) (?:a|an|his|her|their|its|the) (?:\w+ ){0,2}(?:post|posts|tweet|tweets|thread|message on ${ON_X})`,
      String.raw`in (?:a|an|his|her|their|its|the) (?:\w+ ){0,2}(?:post|tweet|thread)s?`,
      String.raw`(?:said|wrote|added|announced|declared|warned|stated) on ${ON_X}`,
      String.raw`on (?:his|her|their|its) (?:official )?${ON_X} account`,
      String.raw`${ON_X} (?:account|feed|profile|page)s?`,
      String.raw`the (?:tweet|post) (?:read|reads|said|says)`,
      String.raw`on ${ON_X}`,
    ],
    speaking: [
      String.raw`told`,
      String.raw`tells`,
      String.raw`telling`,
      String.raw`(?:in|during) (?:a|an|his|her|their|its|the) (?:\w+ ){0,2}(?:statement|interview|speech|remarks|address|hearing|briefing|press conference|news conference|call with reporters|podcast|testimony)`,
      String.raw`at (?:a|an|his|her|their|its|the) (?:\w+ ){0,2}(?:briefing|press conference|news conference|rally|hearing|summit|event|meeting|ceremony|podium|lectern)`,
      String.raw`(?:said|says|speaking|spoke) (?:on|to) (?:cnn|fox|bbc|msnbc|nbc|abc|cbs|npr|sky|television|tv|radio|reporters|journalists|lawmakers)`,
      String.raw`speaking (?:to|at|with|on|from)`,
      String.raw`testified`,
      String.raw`said in remarks`,
      String.raw`(?:said|says) (?:at|during)`,
      String.raw`(?:(?:live ?)?stream(?:ed|ing)?|broadcast(?:ing)?|aired|televised|carried) (?:live )?(?:on|via) ${ON_X}`,
    ],
    pronouns: ['he', 'she', 'they', 'the minister', 'the secretary', 'the agency', 'the ministry'],
    titles:
      `senator sen representative rep congressman congresswoman mayor governor gov councillor councilor councilman councilwoman mp president minister secretary ambassador general colonel commissioner spokesperson spokesman spokeswoman deputy chairman chairwoman judge dr mr mrs ms professor prof lawmaker activist journalist reporter candidate sheriff`.split(
        ' ',
      ),
  },
  fr: {
    posting: [
      String.raw`(?:a |avait )?(?:tweete|twitte)`,
      String.raw`(?:a |avait )?(?:publie|poste|ecrit|declare|affirme|annonce|reagi) (?:\w+ ){0,3}sur ${ON_X}`,
      String.raw`(?:a |avait )?publie`,
      String.raw`dans un (?:\w+ ){0,2}(?:message|tweet|post|billet) (?:publie )?(?:sur ${ON_X})?`,
      String.raw`dans un tweet`,
      String.raw`sur son compte ${ON_X}`,
      String.raw`(?:compte|profil|fil) (?:officiel )?${ON_X}`,
      String.raw`(?:le|son) (?:tweet|message) (?:indique|disait|dit)`,
      String.raw`sur ${ON_X}`,
    ],
    speaking: [
      String.raw`(?:a )?(?:declare|affirme|dit|explique|confie|indique) (?:a|au|aux) (?:la presse|journalistes|micro|l antenne|france|rtl|bfm|europe|lci)`,
      String.raw`(?:dans|lors d) (?:un|une|son|sa) (?:\w+ ){0,2}(?:entretien|interview|discours|communique|conference de presse|point presse|declaration|audition)`,
      String.raw`lors (?:d un|d une|de la|du) (?:\w+ ){0,2}(?:point presse|conference|discours|audition|visite|meeting|seance)`,
      String.raw`(?:a )?(?:declare|affirme|explique) devant`,
      String.raw`au micro`,
      String.raw`sur (?:le plateau|l antenne)`,
      String.raw`(?:diffusee?s?|retransmise?s?) (?:en direct )?sur ${ON_X}`,
    ],
    pronouns: ['il', 'elle', 'ils', 'elles', 'le ministre', 'la ministre', 'le ministere'],
    titles:
      `senateur senatrice depute deputee maire ministre president presidente ambassadeur ambassadrice general colonel commissaire prefet prefete conseiller conseillere journaliste militant militante candidat candidate juge`.split(
        ' ',
      ),
  },
  es: {
    posting: [
      String.raw`(?:tuite|trin)(?:o|aba|ado)`,
      String.raw`(?:publico|escribio|posteo|afirmo|dijo|anuncio|senalo) (?:\w+ ){0,3}(?:en|a traves de) ${ON_X}`,
      String.raw`(?:publico|posteo)`,
      String.raw`en (?:un|una|su) (?:\w+ ){0,2}(?:mensaje|publicacion|tuit|trino|post|hilo)`,
      String.raw`en su cuenta (?:de|en) ${ON_X}`,
      String.raw`(?:cuenta|perfil) (?:oficial )?(?:de|en) ${ON_X}`,
      String.raw`el (?:tuit|mensaje) (?:decia|dice|rezaba)`,
      String.raw`en ${ON_X}`,
    ],
    speaking: [
      String.raw`(?:dijo|declaro|afirmo|explico|aseguro|senalo) (?:a|ante) (?:la prensa|los periodistas|periodistas|la radio|medios)`,
      String.raw`(?:en|durante) (?:un|una|su) (?:\w+ ){0,2}(?:entrevista|discurso|comunicado|rueda de prensa|conferencia de prensa|comparecencia|declaracion)`,
      String.raw`(?:en|durante) la (?:\w+ ){0,2}(?:rueda de prensa|conferencia de prensa|comparecencia|sesion)`,
      String.raw`en declaraciones`,
      String.raw`(?:retransmitid|emitid|transmitid)[ao]s? (?:en directo |en vivo )?(?:en|por|a traves de) ${ON_X}`,
    ],
    pronouns: ['ella', 'ellos', 'la ministra', 'el ministro', 'el ministerio'],
    titles:
      `senador senadora diputado diputada alcalde alcaldesa ministro ministra presidente presidenta gobernador gobernadora consejero consejera concejal concejala embajador embajadora portavoz periodista activista candidato candidata juez jueza`.split(
        ' ',
      ),
  },
  de: {
    posting: [
      String.raw`(?:twitterte|getwittert|tweetete|getweetet)`,
      String.raw`(?:schrieb|schreibt|postete|erklarte|teilte|verkundete) (?:\w+ ){0,3}(?:auf|bei|via) ${ON_X}`,
      String.raw`(?:postete|gepostet)`,
      String.raw`(?:in|mit) einem (?:\w+ ){0,2}(?:post|beitrag|tweet)`,
      String.raw`auf ${ON_X}`,
      String.raw`${ON_X} (?:account|kanal|profil|konto)s?`,
      String.raw`(?:hiess|heisst) es (?:in|auf) (?:einem|dem) (?:\w+ ){0,2}(?:post|beitrag|tweet)`,
    ],
    speaking: [
      String.raw`(?:sagte|erklarte|betonte) (?:\w+ ){0,3}(?:gegenuber|vor) (?:\w+ ){0,2}(?:journalisten|reportern|presse|dem|der)`,
      String.raw`gegenuber`,
      String.raw`(?:in|bei) (?:einer|einem|seiner|ihrer) (?:\w+ ){0,2}(?:pressekonferenz|rede|interview|erklarung|mitteilung|anhorung|sitzung|briefing)`,
      String.raw`im (?:\w+ ){0,2}(?:interview|gesprach|bundestag|landtag|stadtrat|parlament|plenum|ausschuss|fernsehen|radio)`,
      String.raw`(?:live )?(?:auf|bei|via) ${ON_X} (?:live )?(?:ubertragen|gestreamt|gezeigt)`,
      String.raw`(?:ubertragen|gestreamt) (?:live )?(?:auf|bei|via) ${ON_X}`,
    ],
    pronouns: ['er', 'sie', 'die ministerin', 'der minister', 'das ministerium'],
    titles:
      `senator senatorin abgeordnete abgeordneter burgermeister burgermeisterin minister ministerin prasident prasidentin landrat landratin staatssekretar staatssekretarin sprecher sprecherin botschafter botschafterin journalist journalistin aktivist aktivistin kandidat kandidatin richter richterin stadtrat stadtratin`.split(
        ' ',
      ),
  },
  pt: {
    posting: [
      String.raw`tuit(?:ou|ava)`,
      String.raw`(?:publicou|postou|escreveu|afirmou|disse|anunciou) (?:\w+ ){0,3}(?:no|na|em|nas|nos) ${ON_X}`,
      String.raw`(?:publicou|postou)`,
      String.raw`em (?:uma|um|sua|seu) (?:\w+ ){0,2}(?:publicacao|mensagem|post|postagem|tuite)`,
      String.raw`(?:no|em) seu perfil (?:no|na|em) ${ON_X}`,
      String.raw`(?:perfil|conta) (?:oficial )?(?:no|na|do|da|em) ${ON_X}`,
      String.raw`(?:no|na|nas|nos) ${ON_X}`,
    ],
    speaking: [
      String.raw`(?:disse|afirmou|declarou|explicou) (?:a|aos|as) (?:jornalistas|imprensa|reporteres|radio|tv)`,
      String.raw`(?:em|durante) (?:uma|um|sua|seu|a|o) (?:\w+ ){0,2}(?:entrevista|discurso|nota|coletiva|comunicado|pronunciamento|audiencia|sessao)`,
      String.raw`(?:transmitid|exibid)[ao]s? (?:ao vivo )?(?:no|na|pelo|pela|em) ${ON_X}`,
    ],
    pronouns: ['ele', 'ela', 'o ministro', 'a ministra', 'o ministerio'],
    titles:
      `senador senadora deputado deputada prefeito prefeita ministro ministra presidente governador governadora vereador vereadora embaixador embaixadora jornalista ativista candidato candidata juiz juiza secretario secretaria`.split(
        ' ',
      ),
  },
  it: {
    posting: [
      String.raw`(?:ha )?twittato`,
      String.raw`(?:ha )?(?:scritto|pubblicato|postato|dichiarato|annunciato) (?:\w+ ){0,3}(?:su|sul suo profilo) ${ON_X}`,
      String.raw`(?:ha )?(?:pubblicato|postato)`,
      String.raw`in un (?:\w+ ){0,2}(?:post|tweet|messaggio)`,
      String.raw`sul suo (?:profilo|account) ${ON_X}`,
      String.raw`(?:profilo|account|pagina) (?:ufficiale )?${ON_X}`,
      String.raw`su ${ON_X}`,
    ],
    speaking: [
      String.raw`(?:ha )?(?:detto|dichiarato|spiegato|affermato) (?:ai|alla|al) (?:giornalisti|cronisti|stampa|microfoni|tg)`,
      String.raw`(?:in|durante) (?:un|una|la|il) (?:\w+ ){0,2}(?:intervista|discorso|conferenza stampa|nota|comunicato|audizione|seduta)`,
      String.raw`a margine`,
      String.raw`(?:trasmess[aoie]|in diretta) (?:in diretta )?(?:su|sul) ${ON_X}`,
    ],
    pronouns: ['lui', 'lei', 'il ministro', 'la ministra', 'il ministero'],
    titles:
      `senatore senatrice deputato deputata sindaco sindaca ministro ministra presidente governatore governatrice assessore assessora prefetto consigliere consigliera ambasciatore ambasciatrice portavoce giornalista attivista candidato candidata giudice`.split(
        ' ',
      ),
  },
  nl: {
    posting: [
      String.raw`(?:twitterde|tweette|tweetten|getweet)`,
      String.raw`(?:schreef|postte|meldde|liet) (?:\w+ ){0,3}(?:op|via) ${ON_X}`,
      String.raw`(?:postte|gepost)`,
      String.raw`in een (?:\w+ ){0,2}(?:bericht|post|tweet)`,
      String.raw`op ${ON_X}`,
      String.raw`${ON_X} (?:account|kanaal|profiel)`,
    ],
    speaking: [
      String.raw`(?:zei|verklaarde) (?:\w+ ){0,3}(?:tegen|tegenover) (?:\w+ ){0,2}(?:journalisten|verslaggevers|pers|de)`,
      String.raw`tegenover`,
      String.raw`(?:in|tijdens) (?:een|het|de|zijn|haar) (?:\w+ ){0,2}(?:interview|toespraak|persconferentie|verklaring|persbericht|debat)`,
      String.raw`(?:live )?(?:op|via) ${ON_X} (?:werd |wordt )?(?:live )?(?:uitgezonden|gestreamd)`,
      String.raw`(?:uitgezonden|gestreamd) (?:live )?(?:op|via) ${ON_X}`,
    ],
    pronouns: ['hij', 'zij', 'ze', 'de minister', 'het ministerie'],
    titles:
      `senator kamerlid burgemeester minister wethouder gedeputeerde president woordvoerder woordvoerster ambassadeur journalist activist kandidaat rechter staatssecretaris`.split(
        ' ',
      ),
  },
};

function compile(pick: (l: AttributionLexicon) => string[]): RegExp {
  const all = ATTRIBUTION_LANGUAGES.flatMap((lang) => pick(ATTRIBUTION_LEXICON[lang]));
  return new RegExp(String.raw` (?:${all.join('|')})(?= )`, 'g');
}

/** Every posting cue of every language, matched on padded folded text. */
export const POSTING_CUES = compile((l) => l.posting);
/** Every speaking cue of every language, matched on padded folded text. */
export const SPEAKING_CUES = compile((l) => l.speaking);
/** Every pronoun of every language, matched on padded folded text. */
export const PRONOUNS = compile((l) => l.pronouns);
/** Every title of every language (folded words). */
export const PERSON_TITLES: ReadonlySet<string> = new Set(Object.values(ATTRIBUTION_LEXICON).flatMap((l) => l.titles));
