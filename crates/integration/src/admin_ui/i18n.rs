//! The admin UI's words, in the admin's locale (what Zendesk sends as `locale`): one struct, so
//! a language without a word does not compile.

pub struct Words {
    pub lang: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub name: &'static str,
    pub account: &'static str,
    pub token: &'static str,
    pub token_hint_edit: &'static str,
    pub save: &'static str,
    /// `{account}` stands for the account.
    pub refused: &'static str,
    pub missing: &'static str,
    pub bad_account: &'static str,
    pub origin_failed: &'static str,
    /// Too many refused tokens from this address: the form waits.
    pub throttled: &'static str,
    pub saving: &'static str,
    pub continue_: &'static str,
}

const EN: Words = Words {
    lang: "en",
    title: "Connect an Instagram business account",
    intro: "Zendesk will turn new comments on this account’s photos into tickets, and agents can like a photo as this account.",
    name: "Name in Zendesk",
    account: "Instagram account",
    token: "Access token",
    token_hint_edit: "For your security, enter the token again.",
    save: "Save",
    refused: "Instagram refused this token for @{account}. Check the account and the token.",
    missing: "Fill in the name, the account and the token.",
    bad_account: "An Instagram account name has only letters, digits, dots, dashes and underscores.",
    origin_failed: "Instagram could not be reached. Try again in a moment.",
    throttled: "Too many tokens were refused. Wait a few minutes, then try again.",
    saving: "Saving…",
    continue_: "Continue",
};

const DE: Words = Words {
    lang: "de",
    title: "Instagram-Unternehmenskonto verbinden",
    intro: "Zendesk macht aus neuen Kommentaren zu den Fotos dieses Kontos Tickets, und Agenten können ein Foto als dieses Konto mit „Gefällt mir“ markieren.",
    name: "Name in Zendesk",
    account: "Instagram-Konto",
    token: "Zugriffstoken",
    token_hint_edit: "Geben Sie das Token zu Ihrer Sicherheit erneut ein.",
    save: "Speichern",
    refused: "Instagram hat dieses Token für @{account} abgelehnt. Prüfen Sie Konto und Token.",
    missing: "Füllen Sie Name, Konto und Token aus.",
    bad_account: "Ein Instagram-Kontoname besteht nur aus Buchstaben, Ziffern, Punkten, Binde- und Unterstrichen.",
    origin_failed: "Instagram ist nicht erreichbar. Versuchen Sie es gleich noch einmal.",
    throttled: "Zu viele Token wurden abgelehnt. Warten Sie einige Minuten und versuchen Sie es dann erneut.",
    saving: "Wird gespeichert…",
    continue_: "Weiter",
};

const FR: Words = Words {
    lang: "fr",
    title: "Connecter un compte professionnel Instagram",
    intro: "Zendesk transformera les nouveaux commentaires sur les photos de ce compte en tickets, et les agents pourront aimer une photo au nom de ce compte.",
    name: "Nom dans Zendesk",
    account: "Compte Instagram",
    token: "Jeton d’accès",
    token_hint_edit: "Par sécurité, saisissez à nouveau le jeton.",
    save: "Enregistrer",
    refused: "Instagram a refusé ce jeton pour @{account}. Vérifiez le compte et le jeton.",
    missing: "Renseignez le nom, le compte et le jeton.",
    bad_account: "Un nom de compte Instagram ne contient que des lettres, chiffres, points, tirets et tirets bas.",
    origin_failed: "Instagram est injoignable. Réessayez dans un instant.",
    throttled: "Trop de jetons ont été refusés. Attendez quelques minutes, puis réessayez.",
    saving: "Enregistrement…",
    continue_: "Continuer",
};

const ES: Words = Words {
    lang: "es",
    title: "Conectar una cuenta de empresa de Instagram",
    intro: "Zendesk convertirá en tickets los nuevos comentarios en las fotos de esta cuenta, y los agentes podrán dar me gusta a una foto como esta cuenta.",
    name: "Nombre en Zendesk",
    account: "Cuenta de Instagram",
    token: "Token de acceso",
    token_hint_edit: "Por seguridad, vuelva a introducir el token.",
    save: "Guardar",
    refused: "Instagram rechazó este token para @{account}. Compruebe la cuenta y el token.",
    missing: "Rellene el nombre, la cuenta y el token.",
    bad_account: "Un nombre de cuenta de Instagram solo tiene letras, dígitos, puntos, guiones y guiones bajos.",
    origin_failed: "No se pudo contactar con Instagram. Inténtelo de nuevo en un momento.",
    throttled: "Se rechazaron demasiados tokens. Espere unos minutos y vuelva a intentarlo.",
    saving: "Guardando…",
    continue_: "Continuar",
};

const JA: Words = Words {
    lang: "ja",
    title: "Instagram ビジネスアカウントを接続",
    intro: "このアカウントの写真への新しいコメントは Zendesk でチケットになり、エージェントはこのアカウントとして写真に「いいね！」できます。",
    name: "Zendesk での名前",
    account: "Instagram アカウント",
    token: "アクセストークン",
    token_hint_edit: "安全のため、トークンをもう一度入力してください。",
    save: "保存",
    refused: "Instagram は @{account} のこのトークンを拒否しました。アカウントとトークンを確認してください。",
    missing: "名前、アカウント、トークンを入力してください。",
    bad_account: "Instagram のアカウント名には英数字、ピリオド、ハイフン、アンダースコアのみ使えます。",
    origin_failed: "Instagram に接続できません。しばらくしてからもう一度お試しください。",
    throttled: "拒否されたトークンが多すぎます。数分待ってから、もう一度お試しください。",
    saving: "保存中…",
    continue_: "続ける",
};

const PT_BR: Words = Words {
    lang: "pt-BR",
    title: "Conectar uma conta comercial do Instagram",
    intro: "O Zendesk transformará novos comentários nas fotos desta conta em tickets, e os agentes poderão curtir uma foto como esta conta.",
    name: "Nome no Zendesk",
    account: "Conta do Instagram",
    token: "Token de acesso",
    token_hint_edit: "Por segurança, digite o token novamente.",
    save: "Salvar",
    refused: "O Instagram recusou este token para @{account}. Verifique a conta e o token.",
    missing: "Preencha o nome, a conta e o token.",
    bad_account: "Um nome de conta do Instagram tem apenas letras, dígitos, pontos, hífens e sublinhados.",
    origin_failed: "Não foi possível acessar o Instagram. Tente novamente em instantes.",
    throttled: "Muitos tokens foram recusados. Aguarde alguns minutos e tente novamente.",
    saving: "Salvando…",
    continue_: "Continuar",
};

/// The words for a locale such as `de`, `de-CH`, `pt-BR`, `ja`; English otherwise.
pub fn for_locale(locale: &str) -> &'static Words {
    let lower = locale.trim().to_ascii_lowercase();
    let primary = lower.split(['-', '_']).next().unwrap_or("");
    match primary {
        "de" => &DE,
        "fr" => &FR,
        "es" => &ES,
        "ja" => &JA,
        "pt" => &PT_BR,
        _ => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_by_the_primary_language() {
        assert_eq!(for_locale("de-CH").lang, "de");
        assert_eq!(for_locale("pt-BR").lang, "pt-BR");
        assert_eq!(for_locale("en-US").lang, "en");
        assert_eq!(for_locale("").lang, "en");
        assert_eq!(for_locale("xx").lang, "en");
        for w in [&EN, &DE, &FR, &ES, &JA, &PT_BR] {
            assert!(w.refused.contains("{account}"), "{}", w.lang);
        }
    }
}
