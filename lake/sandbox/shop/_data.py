"""Fixed vocabularies of the sandbox shop: categories, Brazilian names and places, review texts.

The formats follow the real fixture (`/work/shared/fixtures/shop/`): Portuguese category slugs
with an English name (one missing), lower-case city names without accents, `+55 DD 9NNNNNNNN`
phone numbers, review messages with newlines, double quotes and personal data.
"""

from __future__ import annotations

# slug (the application's key, Portuguese), English name (None: the application has none)
CATEGORIES: tuple[tuple[str, str | None], ...] = (
    ("beleza_saude", "health_beauty"),
    ("cama_mesa_banho", "bed_bath_table"),
    ("esporte_lazer", "sports_leisure"),
    ("moveis_decoracao", "furniture_decor"),
    ("informatica_acessorios", "computers_accessories"),
    ("utilidades_domesticas", "housewares"),
    ("relogios_presentes", "watches_gifts"),
    ("telefonia", "telephony"),
    ("ferramentas_jardim", "garden_tools"),
    ("automotivo", "auto"),
    ("brinquedos", "toys"),
    ("cool_stuff", "cool_stuff"),
    ("perfumaria", "perfumery"),
    ("bebes", "baby"),
    ("eletronicos", "electronics"),
    ("papelaria", "stationery"),
    ("fashion_bolsas_e_acessorios", "fashion_bags_accessories"),
    ("pet_shop", "pet_shop"),
    ("moveis_escritorio", "office_furniture"),
    ("consoles_games", "consoles_games"),
    ("livros_interesse_geral", "books_general_interest"),
    ("alimentos_bebidas", "food_drink"),
    ("eletroportateis", "small_appliances"),
    ("instrumentos_musicais", "musical_instruments"),
    ("portateis_cozinha_e_preparadores_de_alimentos", None),
)

FIRST_NAMES: tuple[str, ...] = (
    "Ana", "Maria", "Juliana", "Gabriela", "Fernanda", "Camila", "Beatriz", "Larissa",
    "Mariana", "Patrícia", "Aline", "Letícia", "Luíza", "Vitória", "Bianca", "Renata",
    "João", "Pedro", "Lucas", "Gabriel", "Rafael", "Bruno", "Marcos", "Felipe", "Thiago",
    "Gustavo", "Rodrigo", "Carlos", "José", "Antônio", "Vinícius", "Matheus", "André", "Paulo",
)  # fmt: skip
SURNAMES: tuple[str, ...] = (
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
    "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes",
    "Araújo", "Barbosa", "Conceição", "Nascimento", "Moreira", "Cardoso", "Teixeira", "Rocha",
)  # fmt: skip
MAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "gmail.com", "gmail.com", "hotmail.com", "hotmail.com", "outlook.com",
    "uol.com.br", "bol.com.br", "yahoo.com.br", "terra.com.br",
)  # fmt: skip

# city (as the application stores it), state, first and last zip prefix, area code, weight
PLACES: tuple[tuple[str, str, int, int, int, float], ...] = (
    ("sao paulo", "SP", 1000, 5999, 11, 0.22),
    ("rio de janeiro", "RJ", 20000, 23799, 21, 0.12),
    ("belo horizonte", "MG", 30000, 31999, 31, 0.07),
    ("curitiba", "PR", 80000, 82999, 41, 0.05),
    ("porto alegre", "RS", 90000, 91999, 51, 0.05),
    ("brasilia", "DF", 70000, 72799, 61, 0.05),
    ("salvador", "BA", 40000, 42599, 71, 0.04),
    ("campinas", "SP", 13000, 13139, 19, 0.04),
    ("guarulhos", "SP", 7000, 7399, 11, 0.04),
    ("recife", "PE", 50000, 52999, 81, 0.03),
    ("fortaleza", "CE", 60000, 61599, 85, 0.03),
    ("goiania", "GO", 74000, 74899, 62, 0.03),
    ("florianopolis", "SC", 88000, 88099, 48, 0.03),
    ("niteroi", "RJ", 24000, 24399, 21, 0.03),
    ("santos", "SP", 11000, 11099, 13, 0.03),
    ("vitoria", "ES", 29000, 29099, 27, 0.02),
    ("belem", "PA", 66000, 66999, 91, 0.02),
    ("manaus", "AM", 69000, 69099, 92, 0.02),
    ("ribeirao preto", "SP", 14000, 14114, 16, 0.02),
    ("jequie", "BA", 45200, 45210, 73, 0.01),
    ("ibitinga", "SP", 14940, 14940, 16, 0.01),
    ("maringa", "PR", 87000, 87119, 44, 0.02),
    ("uberlandia", "MG", 38400, 38415, 34, 0.02),
    ("joinville", "SC", 89200, 89239, 47, 0.02),
)  # fmt: skip

REVIEW_TITLES: tuple[str, ...] = (
    "Recomendo", "Ótimo", "Muito bom", "Super recomendo", "Excelente", "Bom",
    "Não recebi", "Produto com defeito", "Atrasou", "Decepcionado",
)  # fmt: skip
# {name}, {phone} and {email} are the reviewing customer's own data, as real reviews hold it
REVIEW_MESSAGES_GOOD: tuple[str, ...] = (
    "Produto chegou antes do prazo. Recomendo!",
    "Entrega rápida e produto de ótima qualidade.",
    "Muito bom!\r\nSuperou minhas expectativas.",
    'Tudo certo, exatamente como o anúncio "novo na caixa".',
    "Gostei muito, comprarei novamente.\nObrigada!",
    "Produto bem embalado, chegou intacto.",
    "Ótimo custo benefício",
)
REVIEW_MESSAGES_BAD: tuple[str, ...] = (
    "Não recebi o produto até agora. Meu telefone é {phone}, por favor entrem em contato.",
    "Comprei 2 unidades e só chegou 1.\nAguardo retorno.",
    'O produto é "original"? Veio sem nota fiscal.',
    "Péssimo atendimento.\nJá mandei e-mail para {email} e ninguém respondeu.",
    "Produto veio com defeito, quero a troca.\n\nAtt, {name}",
    "Atrasou mais de uma semana e ninguém avisou.",
)
