//! The agent-facing strings, in the agent's language (`currentUser.locale`), English otherwise.
//!
//! Every language is a value of one struct, so a language that lacks a string does not compile.
//! Templates carry placeholders (`{account}`, `{reason}`, `{n}`, `{s}`, `{name}`, `{value}`,
//! `{problem}`, `{max}`); tests check each language keeps them.

use heart_contract::{MAX_POST_TO_PATH, PathError, SettingsError};

/// A language the app speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    De,
    Fr,
    Es,
    Ja,
    PtBr,
}

impl Lang {
    pub const ALL: [Lang; 6] = [Lang::En, Lang::De, Lang::Fr, Lang::Es, Lang::Ja, Lang::PtBr];

    /// The best language for a Zendesk locale such as `de`, `en-US`, `pt-BR` or `es-419`.
    pub fn for_locale(locale: &str) -> Lang {
        let primary = locale
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "de" => Lang::De,
            "fr" => Lang::Fr,
            "es" => Lang::Es,
            "ja" => Lang::Ja,
            // Zendesk's only Portuguese besides pt-BR is pt (Portugal); Brazilian reads fine there.
            "pt" => Lang::PtBr,
            _ => Lang::En,
        }
    }

    /// The BCP 47 tag for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Ja => "ja",
            Lang::PtBr => "pt-BR",
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::De => &DE,
            Lang::Fr => &FR,
            Lang::Es => &ES,
            Lang::Ja => &JA,
            Lang::PtBr => &PT_BR,
        }
    }
}

pub struct Strings {
    /// `{account}` (a handle, or [`Strings::business_account`]): the heart button's accessible
    /// name, whatever its state (that is `aria-pressed`), and the caption while not liked.
    pub like_as: &'static str,
    /// `{account}`: the caption while liked.
    pub liked_as: &'static str,
    /// Stands for `{account}` when the service names none; fits every `{account}` template.
    pub business_account: &'static str,
    /// Under the heart: whose like it is.
    pub hint: &'static str,
    pub loading: &'static str,
    pub liking: &'static str,
    pub unliking: &'static str,
    /// `{account}`: announced once a like is saved.
    pub now_liked: &'static str,
    /// `{account}`: announced once an unlike is saved.
    pub now_unliked: &'static str,
    pub count_one: &'static str,
    /// `{n}` likes.
    pub count_other: &'static str,
    /// `{reason}`.
    pub failed_like: &'static str,
    pub failed_unlike: &'static str,
    pub failed_load: &'static str,
    pub try_again: &'static str,
    /// `{s}` seconds.
    pub retrying_in: &'static str,
    pub reason_network: &'static str,
    pub reason_timeout: &'static str,
    pub reason_denied: &'static str,
    pub reason_not_found: &'static str,
    pub reason_rate_limited: &'static str,
    pub reason_server: &'static str,
    pub reason_malformed: &'static str,
    pub reason_http: &'static str,
    /// The app's own deadline passed.
    pub reason_deadline: &'static str,
    /// The proxy refused the configured path.
    pub reason_bad_path: &'static str,
    /// `{name}` of the setting an admin should look at.
    pub check_setting: &'static str,
    /// After a set whose outcome is unknown, once the state has been read again.
    pub unsure: &'static str,
    /// While the state is read again after such a set.
    pub checking: &'static str,
    /// `{reason}`: the settings problem, as the admin needs it.
    pub misconfigured: &'static str,
    /// `{name}` and `{value}` of a setting, and `{problem}`: one of the `path_*` strings.
    pub bad_setting: &'static str,
    pub path_empty: &'static str,
    pub path_protocol_relative: &'static str,
    pub path_missing_host: &'static str,
    pub path_not_path_or_https: &'static str,
    pub path_invalid_character: &'static str,
    /// `{n}` characters once URL-encoded, at most `{max}`.
    pub path_too_long: &'static str,
    pub not_in_zendesk: &'static str,
    pub no_ticket: &'static str,
    /// `client.metadata()` failed.
    pub no_settings: &'static str,
}

impl Strings {
    /// What is wrong with a setting, for the admin who can fix it.
    pub fn setting_error(&self, error: &SettingsError) -> String {
        let problem = match error.error {
            PathError::Empty => self.path_empty.to_owned(),
            PathError::ProtocolRelative => self.path_protocol_relative.to_owned(),
            PathError::MissingHost => self.path_missing_host.to_owned(),
            PathError::NotPathOrHttps => self.path_not_path_or_https.to_owned(),
            PathError::InvalidCharacter => self.path_invalid_character.to_owned(),
            PathError::TooLong { chars } => self
                .path_too_long
                .replace("{n}", &chars.to_string())
                .replace("{max}", &MAX_POST_TO_PATH.to_string()),
        };
        // The admin's value goes in last, so braces in it are never taken for a placeholder.
        self.bad_setting
            .replace("{problem}", &problem)
            .replace("{name}", error.setting.name())
            .replace("{value}", &error.value)
    }

    /// A `{account}` template with the account's handle, or the business account when the
    /// service named none. The handle goes in last: braces in it are text.
    pub fn with_account(&self, template: &str, account: Option<&str>) -> String {
        template.replace("{account}", account.unwrap_or(self.business_account))
    }

    pub fn count(&self, n: u64) -> String {
        let template = if n == 1 {
            self.count_one
        } else {
            self.count_other
        };
        template.replace("{n}", &n.to_string())
    }
}

static EN: Strings = Strings {
    like_as: "Like as {account}",
    liked_as: "Liked as {account}",
    business_account: "the business account",
    hint: "On Instagram, the like is the business account's, not yours.",
    loading: "Loading the like…",
    liking: "Liking the photo…",
    unliking: "Removing the like…",
    now_liked: "The photo is liked as {account}.",
    now_unliked: "The photo is no longer liked as {account}.",
    count_one: "1 like",
    count_other: "{n} likes",
    failed_like: "Couldn't like the photo: {reason}.",
    failed_unlike: "Couldn't unlike the photo: {reason}.",
    failed_load: "Couldn't load the like: {reason}.",
    try_again: "Try again",
    retrying_in: "Trying again in {s} s.",
    reason_network: "Zendesk could not be reached",
    reason_timeout: "the request timed out",
    reason_denied: "the integration's access was refused",
    reason_not_found: "the integration service found no such photo or path",
    reason_rate_limited: "too many requests",
    reason_server: "the integration service failed",
    reason_malformed: "the integration service's answer could not be read",
    reason_http: "unexpected answer",
    reason_deadline: "Zendesk did not answer in time",
    reason_bad_path: "Zendesk refused the path",
    check_setting: "An admin should check the setting {name}.",
    unsure: "It may or may not have gone through; the heart shows the photo's current state.",
    checking: "Checking whether it went through…",
    misconfigured: "This app is set up wrongly: {reason} An admin can fix it in the app's settings.",
    bad_setting: "The setting {name} (\"{value}\") {problem}.",
    path_empty: "is empty",
    path_protocol_relative: "starts with // (use a path like /like or an https:// URL)",
    path_missing_host: "is an https:// URL without a host",
    path_not_path_or_https: "must be a path starting with / or an https:// URL",
    path_invalid_character: "contains a space, a control or invisible character, or a backslash",
    path_too_long: "is {n} characters long; Zendesk accepts at most {max}",
    not_in_zendesk: "Open this app from a ticket in Zendesk.",
    no_ticket: "Zendesk did not say which ticket this is.",
    no_settings: "Zendesk did not send the app its settings.",
};

static DE: Strings = Strings {
    like_as: "„Gefällt mir“ als {account}",
    liked_as: "Als {account} mit „Gefällt mir“ markiert",
    business_account: "Unternehmenskonto",
    hint: "Auf Instagram kommt das „Gefällt mir“ vom Unternehmenskonto, nicht von Ihnen.",
    loading: "„Gefällt mir“ wird geladen…",
    liking: "Foto wird mit „Gefällt mir“ markiert…",
    unliking: "„Gefällt mir“ wird entfernt…",
    now_liked: "Das Foto ist jetzt als {account} mit „Gefällt mir“ markiert.",
    now_unliked: "„Gefällt mir“ als {account} wurde entfernt.",
    count_one: "1 „Gefällt mir“",
    count_other: "{n} „Gefällt mir“",
    failed_like: "„Gefällt mir“ konnte nicht gesetzt werden: {reason}.",
    failed_unlike: "„Gefällt mir“ konnte nicht entfernt werden: {reason}.",
    failed_load: "„Gefällt mir“ konnte nicht geladen werden: {reason}.",
    try_again: "Erneut versuchen",
    retrying_in: "Neuer Versuch in {s} s.",
    reason_network: "Zendesk ist nicht erreichbar",
    reason_timeout: "Zeitüberschreitung der Anfrage",
    reason_denied: "der Zugang der Integration wurde abgelehnt",
    reason_not_found: "der Integrationsdienst kennt dieses Foto oder diesen Pfad nicht",
    reason_rate_limited: "zu viele Anfragen",
    reason_server: "der Integrationsdienst ist ausgefallen",
    reason_malformed: "die Antwort des Integrationsdienstes ist unlesbar",
    reason_http: "unerwartete Antwort",
    reason_deadline: "Zendesk hat nicht rechtzeitig geantwortet",
    reason_bad_path: "Zendesk hat den Pfad abgelehnt",
    check_setting: "Ein Admin sollte die Einstellung {name} prüfen.",
    unsure: "Vielleicht wurde es trotzdem übernommen; das Herz zeigt den aktuellen Stand des Fotos.",
    checking: "Es wird geprüft, ob es übernommen wurde…",
    misconfigured: "Diese App ist falsch eingerichtet: {reason} Ein Admin kann das in den App-Einstellungen beheben.",
    bad_setting: "Die Einstellung {name} („{value}“) {problem}.",
    path_empty: "ist leer",
    path_protocol_relative: "beginnt mit // (verwenden Sie einen Pfad wie /like oder eine https://-URL)",
    path_missing_host: "ist eine https://-URL ohne Host",
    path_not_path_or_https: "muss ein Pfad sein, der mit / beginnt, oder eine https://-URL",
    path_invalid_character: "enthält ein Leerzeichen, ein Steuer- oder unsichtbares Zeichen oder einen Backslash",
    path_too_long: "ist {n} Zeichen lang; Zendesk erlaubt höchstens {max}",
    not_in_zendesk: "Öffnen Sie diese App in einem Ticket in Zendesk.",
    no_ticket: "Zendesk hat nicht mitgeteilt, um welches Ticket es geht.",
    no_settings: "Zendesk hat die Einstellungen der App nicht übermittelt.",
};

static FR: Strings = Strings {
    like_as: "Aimer en tant que {account}",
    liked_as: "Aimée en tant que {account}",
    business_account: "compte professionnel",
    hint: "Sur Instagram, le « J’aime » est celui du compte professionnel, pas le vôtre.",
    loading: "Chargement du « J’aime »…",
    liking: "Ajout du « J’aime »…",
    unliking: "Retrait du « J’aime »…",
    now_liked: "La photo est aimée en tant que {account}.",
    now_unliked: "La photo n’est plus aimée en tant que {account}.",
    count_one: "1 « J’aime »",
    count_other: "{n} « J’aime »",
    failed_like: "Impossible d’aimer la photo : {reason}.",
    failed_unlike: "Impossible de retirer le « J’aime » : {reason}.",
    failed_load: "Impossible de charger le « J’aime » : {reason}.",
    try_again: "Réessayer",
    retrying_in: "Nouvel essai dans {s} s.",
    reason_network: "Zendesk est injoignable",
    reason_timeout: "la requête a expiré",
    reason_denied: "l’accès de l’intégration a été refusé",
    reason_not_found: "le service d’intégration ne connaît pas cette photo ou ce chemin",
    reason_rate_limited: "trop de requêtes",
    reason_server: "le service d’intégration a échoué",
    reason_malformed: "la réponse du service d’intégration est illisible",
    reason_http: "réponse inattendue",
    reason_deadline: "Zendesk n’a pas répondu à temps",
    reason_bad_path: "Zendesk a refusé le chemin",
    check_setting: "Un admin doit vérifier le paramètre {name}.",
    unsure: "L’action a peut-être abouti quand même ; le cœur montre l’état actuel de la photo.",
    checking: "Vérification de la prise en compte…",
    misconfigured: "Cette app est mal configurée : {reason} Un admin peut corriger les paramètres de l’app.",
    bad_setting: "Le paramètre {name} (« {value} ») {problem}.",
    path_empty: "est vide",
    path_protocol_relative: "commence par // (utilisez un chemin comme /like ou une URL https://)",
    path_missing_host: "est une URL https:// sans hôte",
    path_not_path_or_https: "doit être un chemin commençant par / ou une URL https://",
    path_invalid_character: "contient une espace, un caractère de contrôle ou invisible, ou une barre oblique inverse",
    path_too_long: "fait {n} caractères ; Zendesk en accepte au plus {max}",
    not_in_zendesk: "Ouvrez cette app depuis un ticket dans Zendesk.",
    no_ticket: "Zendesk n’a pas indiqué de quel ticket il s’agit.",
    no_settings: "Zendesk n’a pas transmis les paramètres de l’app.",
};

static ES: Strings = Strings {
    like_as: "Dar «Me gusta» como {account}",
    liked_as: "«Me gusta» dado como {account}",
    business_account: "cuenta de empresa",
    hint: "En Instagram, el «Me gusta» es de la cuenta de empresa, no suyo.",
    loading: "Cargando el «Me gusta»…",
    liking: "Marcando «Me gusta»…",
    unliking: "Quitando el «Me gusta»…",
    now_liked: "Se dio «Me gusta» a la foto como {account}.",
    now_unliked: "Se quitó el «Me gusta» dado como {account}.",
    count_one: "1 «Me gusta»",
    count_other: "{n} «Me gusta»",
    failed_like: "No se pudo marcar «Me gusta»: {reason}.",
    failed_unlike: "No se pudo quitar el «Me gusta»: {reason}.",
    failed_load: "No se pudo cargar el «Me gusta»: {reason}.",
    try_again: "Reintentar",
    retrying_in: "Se reintentará en {s} s.",
    reason_network: "no se pudo contactar con Zendesk",
    reason_timeout: "la solicitud tardó demasiado",
    reason_denied: "se denegó el acceso de la integración",
    reason_not_found: "el servicio de integración no encontró la foto ni la ruta",
    reason_rate_limited: "demasiadas solicitudes",
    reason_server: "falló el servicio de integración",
    reason_malformed: "no se pudo leer la respuesta del servicio de integración",
    reason_http: "respuesta inesperada",
    reason_deadline: "Zendesk no respondió a tiempo",
    reason_bad_path: "Zendesk rechazó la ruta",
    check_setting: "Un administrador debe revisar el ajuste {name}.",
    unsure: "Puede que se haya aplicado o no; el corazón muestra el estado actual de la foto.",
    checking: "Comprobando si se aplicó…",
    misconfigured: "Esta app está mal configurada: {reason} Un administrador puede corregirlo en la configuración de la app.",
    bad_setting: "El ajuste {name} («{value}») {problem}.",
    path_empty: "está vacío",
    path_protocol_relative: "empieza por // (use una ruta como /like o una URL https://)",
    path_missing_host: "es una URL https:// sin host",
    path_not_path_or_https: "debe ser una ruta que empiece por / o una URL https://",
    path_invalid_character: "contiene un espacio, un carácter de control o invisible, o una barra invertida",
    path_too_long: "tiene {n} caracteres; Zendesk admite como máximo {max}",
    not_in_zendesk: "Abra esta app desde un ticket en Zendesk.",
    no_ticket: "Zendesk no indicó de qué ticket se trata.",
    no_settings: "Zendesk no envió la configuración de la app.",
};

static JA: Strings = Strings {
    like_as: "{account}としていいね",
    liked_as: "{account}としていいね済み",
    business_account: "ビジネスアカウント",
    hint: "Instagram でのいいねはビジネスアカウントによるもので、あなたのものではありません。",
    loading: "いいねを読み込んでいます…",
    liking: "いいねしています…",
    unliking: "いいねを取り消しています…",
    now_liked: "{account}としてこの写真にいいねしました。",
    now_unliked: "{account}としてのいいねを取り消しました。",
    count_one: "いいね 1 件",
    count_other: "いいね {n} 件",
    failed_like: "いいねできませんでした: {reason}。",
    failed_unlike: "いいねを取り消せませんでした: {reason}。",
    failed_load: "いいねを読み込めませんでした: {reason}。",
    try_again: "再試行",
    retrying_in: "{s} 秒後に再試行します。",
    reason_network: "Zendesk に接続できません",
    reason_timeout: "リクエストがタイムアウトしました",
    reason_denied: "インテグレーションのアクセスが拒否されました",
    reason_not_found: "インテグレーションサービスで写真またはパスが見つかりません",
    reason_rate_limited: "リクエストが多すぎます",
    reason_server: "インテグレーションサービスでエラーが発生しました",
    reason_malformed: "インテグレーションサービスの応答を読み取れません",
    reason_http: "予期しない応答",
    reason_deadline: "Zendesk から時間内に応答がありませんでした",
    reason_bad_path: "Zendesk がパスを拒否しました",
    check_setting: "管理者が設定 {name} を確認してください。",
    unsure: "反映されたかどうかはわかりません。ハートは写真の現在の状態を示しています。",
    checking: "反映されたか確認しています…",
    misconfigured: "このアプリの設定に誤りがあります: {reason} 管理者がアプリの設定で修正できます。",
    bad_setting: "設定 {name}（「{value}」）{problem}。",
    path_empty: "が空です",
    path_protocol_relative: "が // で始まっています（/like のようなパスか https:// の URL を使ってください）",
    path_missing_host: "はホストのない https:// URL です",
    path_not_path_or_https: "は / で始まるパスか https:// の URL である必要があります",
    path_invalid_character: "に空白、制御文字、不可視文字、またはバックスラッシュが含まれています",
    path_too_long: "は {n} 文字です。Zendesk が受け付けるのは最大 {max} 文字です",
    not_in_zendesk: "このアプリは Zendesk のチケットから開いてください。",
    no_ticket: "Zendesk からチケットの情報を取得できませんでした。",
    no_settings: "Zendesk からアプリの設定を取得できませんでした。",
};

static PT_BR: Strings = Strings {
    like_as: "Curtir como {account}",
    liked_as: "Curtida como {account}",
    business_account: "conta comercial",
    hint: "No Instagram, a curtida é da conta comercial, não sua.",
    loading: "Carregando a curtida…",
    liking: "Curtindo a foto…",
    unliking: "Removendo a curtida…",
    now_liked: "A foto foi curtida como {account}.",
    now_unliked: "A curtida como {account} foi removida.",
    count_one: "1 curtida",
    count_other: "{n} curtidas",
    failed_like: "Não foi possível curtir a foto: {reason}.",
    failed_unlike: "Não foi possível descurtir a foto: {reason}.",
    failed_load: "Não foi possível carregar a curtida: {reason}.",
    try_again: "Tentar novamente",
    retrying_in: "Nova tentativa em {s} s.",
    reason_network: "não foi possível acessar o Zendesk",
    reason_timeout: "a solicitação expirou",
    reason_denied: "o acesso da integração foi recusado",
    reason_not_found: "o serviço de integração não encontrou a foto nem o caminho",
    reason_rate_limited: "solicitações demais",
    reason_server: "o serviço de integração falhou",
    reason_malformed: "não foi possível ler a resposta do serviço de integração",
    reason_http: "resposta inesperada",
    reason_deadline: "o Zendesk não respondeu a tempo",
    reason_bad_path: "o Zendesk recusou o caminho",
    check_setting: "Um administrador deve verificar a configuração {name}.",
    unsure: "Pode ou não ter sido aplicado; o coração mostra o estado atual da foto.",
    checking: "Verificando se foi aplicado…",
    misconfigured: "Este app está configurado incorretamente: {reason} Um administrador pode corrigir isso nas configurações do app.",
    bad_setting: "A configuração {name} (“{value}”) {problem}.",
    path_empty: "está vazia",
    path_protocol_relative: "começa com // (use um caminho como /like ou uma URL https://)",
    path_missing_host: "é uma URL https:// sem host",
    path_not_path_or_https: "deve ser um caminho que comece com / ou uma URL https://",
    path_invalid_character: "contém um espaço, um caractere de controle ou invisível, ou uma barra invertida",
    path_too_long: "tem {n} caracteres; o Zendesk aceita no máximo {max}",
    not_in_zendesk: "Abra este app a partir de um ticket no Zendesk.",
    no_ticket: "O Zendesk não informou qual é o ticket.",
    no_settings: "O Zendesk não enviou as configurações do app.",
};

#[cfg(test)]
mod tests {
    use heart_contract::Setting;

    use super::*;

    #[test]
    fn locales_pick_their_language_and_fall_back_to_english() {
        let cases = [
            ("en-US", Lang::En),
            ("de", Lang::De),
            ("de-AT", Lang::De),
            ("fr-CA", Lang::Fr),
            ("es-419", Lang::Es),
            ("ja", Lang::Ja),
            ("pt-BR", Lang::PtBr),
            ("pt_br", Lang::PtBr),
            ("PT", Lang::PtBr),
            ("nl", Lang::En),
            ("", Lang::En),
        ];
        for (locale, want) in cases {
            assert_eq!(Lang::for_locale(locale), want, "{locale:?}");
        }
    }

    #[test]
    fn every_language_keeps_its_placeholders() {
        for lang in Lang::ALL {
            let s = lang.strings();
            for (name, template, hole) in [
                ("like_as", s.like_as, "{account}"),
                ("liked_as", s.liked_as, "{account}"),
                ("now_liked", s.now_liked, "{account}"),
                ("now_unliked", s.now_unliked, "{account}"),
                ("failed_like", s.failed_like, "{reason}"),
                ("failed_unlike", s.failed_unlike, "{reason}"),
                ("failed_load", s.failed_load, "{reason}"),
                ("misconfigured", s.misconfigured, "{reason}"),
                ("count_other", s.count_other, "{n}"),
                ("retrying_in", s.retrying_in, "{s}"),
                ("bad_setting", s.bad_setting, "{name}"),
                ("bad_setting", s.bad_setting, "{value}"),
                ("bad_setting", s.bad_setting, "{problem}"),
                ("path_too_long", s.path_too_long, "{n}"),
                ("path_too_long", s.path_too_long, "{max}"),
                ("check_setting", s.check_setting, "{name}"),
            ] {
                assert!(template.contains(hole), "{lang:?}.{name} lacks {hole}");
            }
        }
    }

    #[test]
    fn every_language_is_translated_not_copied() {
        for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
            let s = lang.strings();
            assert_ne!(s.like_as, EN.like_as, "{lang:?}");
            assert_ne!(s.liked_as, EN.liked_as, "{lang:?}");
            assert_ne!(s.business_account, EN.business_account, "{lang:?}");
            assert_ne!(s.hint, EN.hint, "{lang:?}");
            assert_ne!(s.now_liked, EN.now_liked, "{lang:?}");
            assert_ne!(s.now_unliked, EN.now_unliked, "{lang:?}");
            assert_ne!(s.failed_like, EN.failed_like, "{lang:?}");
            assert_ne!(s.try_again, EN.try_again, "{lang:?}");
            for (name, text, en) in [
                ("reason_deadline", s.reason_deadline, EN.reason_deadline),
                ("reason_bad_path", s.reason_bad_path, EN.reason_bad_path),
                ("check_setting", s.check_setting, EN.check_setting),
                ("unsure", s.unsure, EN.unsure),
                ("checking", s.checking, EN.checking),
            ] {
                assert_ne!(text, en, "{lang:?}.{name}");
                assert!(!text.is_empty(), "{lang:?}.{name}");
            }
        }
    }

    #[test]
    fn setting_errors_are_told_in_every_language() {
        let errors = [
            PathError::Empty,
            PathError::ProtocolRelative,
            PathError::MissingHost,
            PathError::NotPathOrHttps,
            PathError::InvalidCharacter,
            PathError::TooLong { chars: 600 },
        ];
        for lang in Lang::ALL {
            let s = lang.strings();
            let mut seen = Vec::new();
            for error in errors.clone() {
                let error = SettingsError {
                    setting: Setting::LikePath,
                    value: "http://svc.example/like".into(),
                    error,
                };
                let text = s.setting_error(&error);
                assert!(text.contains("like_path"), "{lang:?}: {text}");
                assert!(text.contains("http://svc.example/like"), "{lang:?}: {text}");
                assert!(
                    !text.contains('{'),
                    "{lang:?}: a placeholder is left in {text}"
                );
                if lang == Lang::En {
                    // The contract's own wording (what services and logs print) is the English.
                    assert_eq!(text, error.to_string());
                } else {
                    assert_ne!(text, EN.setting_error(&error), "{lang:?}");
                }
                assert!(!seen.contains(&text), "{lang:?}: two problems read alike");
                seen.push(text);
            }
            let too_long = seen.last().expect("six problems");
            assert!(
                too_long.contains("600") && too_long.contains("511"),
                "{too_long}"
            );
        }
        assert_eq!(
            EN.setting_error(&SettingsError {
                setting: Setting::StatePath,
                value: "".into(),
                error: PathError::Empty,
            }),
            "The setting state_path (\"\") is empty."
        );
        assert_eq!(
            EN.setting_error(&SettingsError {
                setting: Setting::StatePath,
                value: "like {problem} {name}".into(),
                error: PathError::NotPathOrHttps,
            }),
            "The setting state_path (\"like {problem} {name}\") must be a path starting with / or an https:// URL.",
            "the value is shown as typed"
        );
    }

    #[test]
    fn the_account_is_named_or_is_the_business_account() {
        let en = Lang::En.strings();
        assert_eq!(
            en.with_account(en.like_as, Some("@omniwear")),
            "Like as @omniwear"
        );
        assert_eq!(
            en.with_account(en.liked_as, Some("@omniwear")),
            "Liked as @omniwear"
        );
        assert_eq!(
            en.with_account(en.like_as, None),
            "Like as the business account"
        );
        assert_eq!(
            en.with_account(en.liked_as, None),
            "Liked as the business account"
        );
        assert_eq!(
            en.with_account(en.now_unliked, Some("@omniwear")),
            "The photo is no longer liked as @omniwear."
        );
        let de = Lang::De.strings();
        assert_eq!(
            de.with_account(de.like_as, None),
            "„Gefällt mir“ als Unternehmenskonto"
        );
        assert_eq!(
            de.with_account(de.liked_as, Some("@omniwear")),
            "Als @omniwear mit „Gefällt mir“ markiert"
        );
        assert_eq!(
            Lang::PtBr
                .strings()
                .with_account(Lang::PtBr.strings().like_as, None),
            "Curtir como conta comercial"
        );
        // A handle is text: a placeholder-looking one is not filled in again.
        assert_eq!(
            en.with_account(en.like_as, Some("{account} <b>")),
            "Like as {account} <b>"
        );
        for lang in Lang::ALL {
            let s = lang.strings();
            for template in [s.like_as, s.liked_as, s.now_liked, s.now_unliked] {
                assert_eq!(
                    template.matches("{account}").count(),
                    1,
                    "{lang:?}: {template}"
                );
                let text = s.with_account(template, None);
                assert!(text.contains(s.business_account), "{lang:?}: {text}");
                assert!(!text.contains('{'), "{lang:?}: {text}");
            }
            assert!(!s.hint.contains('{'), "{lang:?}");
        }
    }

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(Lang::En.strings().count(1), "1 like");
        assert_eq!(Lang::En.strings().count(0), "0 likes");
        assert_eq!(Lang::PtBr.strings().count(12), "12 curtidas");
        assert_eq!(Lang::Ja.strings().count(3), "いいね 3 件");
    }
}
