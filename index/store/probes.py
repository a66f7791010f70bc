"""Questions no security-briefing corpus answers, used to calibrate declining per index.

At build time each probe is run against the new index; the mean of their best similarities
plus 3.5 standard deviations is the index's noise floor. A question whose best passage does
not rise above it is declined. Calibrating on the index itself keeps the threshold right for
any model and corpus (scores of one model sit close together, and differ from another's).
"""

PROBES: tuple[str, ...] = (
    "What is the recipe for chocolate cake?",
    "Who won the football World Cup final?",
    "How do I reset my email password?",
    "What is the capital of Australia?",
    "How tall is Mount Everest?",
    "Which smartphone has the best camera this year?",
    "What time does the supermarket close on Sunday?",
    "How do I bake sourdough bread at home?",
    "What is the boiling point of water at high altitude?",
    "Recommend a good novel for a long flight.",
    "What are the symptoms of the common cold?",
    "How much does a cup of coffee cost in Paris?",
    "東京の明日の天気は？",
    "美味しいカレーの作り方を教えてください。",
    "ビットコインの価格はいくらですか？",
    "新幹線の最高速度は時速何キロですか？",
    "日本で一番高い山はどこですか？",
    "おすすめの温泉旅館はどこですか？",
    "パスワードを忘れた場合はどうすればよいですか？",
    "プロ野球の優勝チームはどこですか？",
    "猫の平均寿命は何年ですか？",
    "英語の勉強におすすめのアプリは？",
    "インフルエンザの予防接種はいつ受けるべきですか？",
    "京都の紅葉の見頃はいつですか？",
)
